// One JSON value with every shape that has to survive a trip between languages unchanged.
export const everyJsonShape = {
  text: 'it\'s "quoted" ü € \u2028 \\',
  zero: 0,
  float: 1.5,
  negative: -3,
  big: 12345678901234,
  yes: true,
  no: false,
  nothing: null,
  list: [1, 'two', { three: [3] }],
  emptyObject: {},
  emptyList: [],
  emptyText: '',
};
