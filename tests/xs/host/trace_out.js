// trace() adds no newline and prints its arguments one after another.
trace("a");
trace("b", 1, true);
trace("\n");
trace("c");
