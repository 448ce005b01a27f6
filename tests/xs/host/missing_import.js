// Imports a specifier no manifest maps.
import nothing from "no-such-module";
trace("not reached " + nothing + "\n");
