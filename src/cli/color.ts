// Whether text output is coloured: the --color / --no-color flag, then FORCE_COLOR (force-color.org: set and
// not "0" or "false" forces colour; "0" or "false" turns it off), then NO_COLOR (no-color.org: set and
// non-empty turns it off), then whether stdout is a terminal.
export function colorWanted(flag: boolean | undefined, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stdoutIsTTY;
}
