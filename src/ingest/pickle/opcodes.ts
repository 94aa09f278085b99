/**
 * Pickle opcodes (CPython's Lib/pickletools.py names them). Only the ones below `ACCEPTED` are ever
 * interpreted; the rest are listed so that a refusal can name what it refused.
 */
export const OP = {
  MARK: 0x28,
  STOP: 0x2e,
  FLOAT: 0x46,
  INT: 0x49,
  BININT: 0x4a,
  BININT1: 0x4b,
  LONG: 0x4c,
  BININT2: 0x4d,
  NONE: 0x4e,
  STRING: 0x53,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  UNICODE: 0x56,
  BINUNICODE: 0x58,
  APPEND: 0x61,
  APPENDS: 0x65,
  GET: 0x67,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  LIST: 0x6c,
  EMPTY_LIST: 0x5d,
  PUT: 0x70,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  TUPLE: 0x74,
  EMPTY_TUPLE: 0x29,
  BINFLOAT: 0x47,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

/** Opcodes that are never interpreted: they import, call, build objects, or make shapes no metric sender emits. */
const REFUSED: Readonly<Record<number, string>> = {
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x52: 'REDUCE',
  0x62: 'BUILD',
  0x63: 'GLOBAL',
  0x64: 'DICT',
  0x7d: 'EMPTY_DICT',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x73: 'SETITEM',
  0x75: 'SETITEMS',
  0x81: 'NEWOBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

const ACCEPTED_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(OP).map(([name, code]) => [code, name]));

/** Highest pickle protocol a PROTO opcode may announce (Python 3.8+ writes up to 5). */
export const HIGHEST_PROTOCOL = 5;

/** `GLOBAL (0x63)`, or `unknown opcode 0xNN` for a byte that is no opcode at all. */
export function describeOpcode(code: number): string {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  const name = ACCEPTED_NAMES[code] ?? REFUSED[code];
  return name === undefined ? `unknown opcode ${hex}` : `opcode ${name} (${hex})`;
}
