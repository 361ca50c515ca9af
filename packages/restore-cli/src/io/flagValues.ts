import { InvalidInputError } from '@cognito-rewind/core';
import type { Command, Option } from 'commander';

/**
 * Commander takes the argument after a flag as its value whatever it looks like, so a flag given
 * without its value swallows the next flag: `state --pool --at now` sets the pool to "--at" and then
 * complains that `--at` is missing. Every option that takes a value is made to refuse a value that is
 * one of its command's flags (`--at`, `--at=now`, `-h`) and to say which flag lacks its value. The
 * check runs while the arguments are parsed, before any action: nothing is read or written.
 * Values that merely start with a dash (`--at -15m`, a file named `-x.json`) are still taken.
 */
export function refuseFlagsAsValues(command: Command): void {
  const flags = new Set(['-h', '--help']);
  for (const option of command.options) {
    if (option.long !== undefined) flags.add(option.long);
    if (option.short !== undefined) flags.add(option.short);
    if (option.negate && option.long !== undefined) flags.add(option.long.replace(/^--no-/, '--'));
  }
  const isFlag = (value: string) => flags.has(value) || flags.has(value.slice(0, value.indexOf('=')));
  for (const option of command.options) if (option.required || option.optional) guard(option, isFlag);
  for (const sub of command.commands) refuseFlagsAsValues(sub);
}

function guard(option: Option, isFlag: (value: string) => boolean): void {
  // Commander keeps a variadic option's values itself only when it has no parser of its own.
  if (option.variadic && option.parseArg === undefined) return;
  const parse = option.parseArg;
  option.argParser((value: string, previous: unknown) => {
    if (isFlag(value)) throw new InvalidInputError(`option ${option.long ?? option.short} needs a value`);
    return parse === undefined ? value : parse(value, previous);
  });
}
