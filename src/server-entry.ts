// The package's `provml/server` entry: configuration, the app factory and the server. The capture client is
// the light `provml` / `provml/client` entry (src/client/index.ts), which loads no store or server code.
export { type Config, ConfigError, type LoadConfigOptions, loadConfig } from './config.ts';
export { type RunningServer, type StartOptions, startServer } from './main.ts';
export { type CreateAppOptions, createApp, settledWrites } from './server/app.ts';
export { requireWriteAccess } from './server/auth.ts';
