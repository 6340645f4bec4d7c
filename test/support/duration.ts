/**
 * A dateTime difference as seconds, whichever form the engine gives it: an xsd:dayTimeDuration (XPath,
 * Oxigraph: "PT29M55S") or a number of seconds (Virtuoso subtracts dateTimes to seconds). '' stays ''.
 */
export function durationSeconds(text: string): number | '' {
  if (text === '') return '';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const match = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const [, sign, days, hours, minutes, seconds] = match;
  const total =
    Number(days ?? 0) * 86_400 +
    Number(hours ?? 0) * 3_600 +
    Number(minutes ?? 0) * 60 +
    Number(seconds ?? 0);
  return sign ? -total : total;
}
