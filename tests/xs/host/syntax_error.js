// A syntax error on line 4.
const ok = 1;

let broken = ok +;
