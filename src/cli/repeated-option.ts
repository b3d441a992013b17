/**
 * Every value of a repeatable option (`--dimension a=b --dimension=c=d`) in `rawArgs`, in
 * order, up to a `--`. citty keeps only the last value of an option, hence this.
 */
export function repeatedOption(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  const flag = `--${name}`;
  for (let i = 0; i < rawArgs.length; i += 1) {
    const arg = rawArgs[i];
    if (arg === undefined || arg === '--') break;
    if (arg === flag) {
      const value = rawArgs[i + 1];
      if (value !== undefined && value !== '--') values.push(value);
      i += 1;
    } else if (arg.startsWith(`${flag}=`)) {
      values.push(arg.slice(flag.length + 1));
    }
  }
  return values;
}
