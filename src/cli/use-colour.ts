/**
 * Whether CLI output may carry ANSI colours: only when both output streams are terminals
 * and `NO_COLOR` is unset or empty (https://no-color.org).
 */
export function useColour(
  streams: readonly { readonly isTTY?: boolean }[],
  env: NodeJS.ProcessEnv,
): boolean {
  const noColour = env['NO_COLOR'];
  if (noColour !== undefined && noColour !== '') return false;
  return streams.every((stream) => stream.isTTY === true);
}
