// Run a WASI preview1 command module under node's built-in WASI.
// Usage: node node_wasi.mjs [--no-worker] MODULE.wasm [ARGS...]
// The module sees argv[0] = the module's path and ARGS after it, an empty
// environment and no preopened directory; stdin, stdout and stderr are
// inherited.  The exit status is the module's proc_exit code (0 when _start
// returns).  The module runs in a worker thread with a 256 MB stack so that
// deep guest recursion does not exhaust V8's default stack.  Used by
// test_programs.py to cross-check w2c's executables.
// --no-worker runs it on the main thread instead, for test/bench/run.py:
// the benchmarks do not recurse deeply, and the time measured is then
// node's start-up, compilation and the module's run.
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData }
    from 'node:worker_threads';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning');
process.on('warning', () => {});

// Instantiate and start the module; its exit status.
async function run(path, args) {
    const wasi = new WASI({
        version: 'preview1',
        args: [path, ...args],
        env: {},
        returnOnExit: true,
    });
    const module = await WebAssembly.compile(readFileSync(path));
    const instance = await WebAssembly.instantiate(module,
                                                   wasi.getImportObject());
    return wasi.start(instance);
}

if (isMainThread) {
    let argv = process.argv.slice(2);
    const inline = argv[0] === '--no-worker';
    if (inline)
        argv = argv.slice(1);
    const [path, ...args] = argv;
    if (!path) {
        process.stderr.write('usage: node node_wasi.mjs [--no-worker] ' +
                             'MODULE.wasm [ARGS...]\n');
        process.exit(2);
    }
    if (inline) {
        process.exitCode = await run(path, args);
    } else {
        const worker = new Worker(new URL(import.meta.url), {
            workerData: { path, args },
            resourceLimits: { stackSizeMb: 256 },
            stdout: false,
            stderr: false,
        });
        let status = null;
        worker.on('message', (m) => { status = m; });
        worker.on('error', (e) => {
            process.stderr.write(
                `node_wasi: ${e && e.stack ? e.stack : e}\n`);
            process.exitCode = 134;
        });
        worker.on('exit', () => {
            if (status !== null)
                process.exitCode = status;
            else if (process.exitCode === undefined)
                process.exitCode = 134;
        });
    }
} else {
    const { path, args } = workerData;
    parentPort.postMessage(await run(path, args));
}
