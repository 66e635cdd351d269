// node_run.mjs - run a WASI preview1 command module under node's WASI, for
// test/bench/run.py.  Usage: node --no-warnings node_run.mjs MODULE.wasm
// [ARGS...].  Leaner than test/node_wasi.mjs: no worker thread (the
// benchmarks do not recurse deeply), so the time measured is node's start-up,
// compilation and the module's run.  Exit status: the module's proc_exit
// code, 0 when _start returns.
// run.py adds --single-threaded-gc: node 20.20's concurrent GC crashes
// (SIGSEGV) here after large wasm allocations (sort, memgrow).
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [path, ...args] = process.argv.slice(2);
if (!path) {
    process.stderr.write('usage: node node_run.mjs MODULE.wasm [ARGS...]\n');
    process.exit(2);
}
const wasi = new WASI({
    version: 'preview1',
    args: [path, ...args],
    env: {},
    returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
