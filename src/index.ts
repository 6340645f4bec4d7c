// The package's main entry: the capture client and the server factory.
export { createRecorder, type Recorder, type RecorderOptions } from './client/index.ts';
export { type Config, ConfigError, type LoadConfigOptions, loadConfig } from './config.ts';
export { type RunningServer, type StartOptions, startServer } from './main.ts';
export { type CreateAppOptions, createApp } from './server/app.ts';
export { requireWriteAccess } from './server/auth.ts';
