/** Apache combined format, as a log analyser parses it (with the trailing outcome word). */
export const COMBINED =
  /^(\S+) - (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"( aborted| error)?$/
