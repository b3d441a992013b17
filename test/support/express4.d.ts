// Express 4, installed as `express4` (an npm alias) beside Express 5 so that the tests run both
// majors. Its calls used in the tests have the same types as Express 5's.
declare module 'express4' {
  import express from 'express';
  export default express;
}
