/**
 * Shell-style patterns as Python's fnmatch reads them (`--debug PATTERN` over task names, behaviour 33):
 * `*` any run of characters, `?` one character, `[seq]` one of seq, `[!seq]` none of seq; everything else
 * stands for itself. Case matters, as on POSIX.
 */
export function fnmatch(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      // `]` right after `[` or `[!` is part of the set.
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        re += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, j).replace(/\\/g, '\\\\').replace(/\^/g, '\\^').replace(/\]/g, '\\]');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      re += `[${set}]`;
      i = j;
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}
