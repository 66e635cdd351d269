/* interp.c - a small stack-machine bytecode interpreter whose dispatch is
 * an indirect call through a table of handler functions. */
#include <stdio.h>
#include <stdint.h>

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR,
       OP_AND, OP_LT, OP_JZ, OP_JMP, OP_DUP, OP_POP, OP_HALT, NOPS };

typedef struct Vm Vm;
struct Vm {
    const int32_t *code;
    int32_t pc;
    int32_t sp;
    int32_t stack[64];
    int32_t vars[8];
    int running;
};

typedef void Handler(Vm *vm);

static void op_push(Vm *vm) { vm->stack[vm->sp++] = vm->code[vm->pc++]; }
static void op_load(Vm *vm)
{
    vm->stack[vm->sp++] = vm->vars[vm->code[vm->pc++]];
}
static void op_store(Vm *vm)
{
    vm->vars[vm->code[vm->pc++]] = vm->stack[--vm->sp];
}
#define BINOP(name, expr)                                         \
    static void name(Vm *vm)                                      \
    {                                                             \
        uint32_t b = (uint32_t)vm->stack[--vm->sp];               \
        uint32_t a = (uint32_t)vm->stack[vm->sp - 1];             \
        vm->stack[vm->sp - 1] = (int32_t)(expr);                  \
    }
BINOP(op_add, a + b)
BINOP(op_sub, a - b)
BINOP(op_mul, a * b)
BINOP(op_xor, a ^ b)
BINOP(op_shr, a >> (b & 31))
BINOP(op_and, a & b)
BINOP(op_lt, (int32_t)a < (int32_t)b)
static void op_jz(Vm *vm)
{
    int32_t target = vm->code[vm->pc++];
    if (vm->stack[--vm->sp] == 0)
        vm->pc = target;
}
static void op_jmp(Vm *vm) { vm->pc = vm->code[vm->pc]; }
static void op_dup(Vm *vm)
{
    vm->stack[vm->sp] = vm->stack[vm->sp - 1];
    vm->sp++;
}
static void op_pop(Vm *vm) { vm->sp--; }
static void op_halt(Vm *vm) { vm->running = 0; }

static Handler *const handlers[NOPS] = {
    op_push, op_load, op_store, op_add, op_sub, op_mul, op_xor, op_shr,
    op_and, op_lt, op_jz, op_jmp, op_dup, op_pop, op_halt
};

/* i = 0; h = seed; while (i < n) { h = (h ^ i) * 16777619;
 * h = h ^ (h >> 13); if (h & 1) c = c + 1; i = i + 1; } */
static const int32_t program[] = {
    /*  0 */ OP_PUSH, 0, OP_STORE, 0,                  /* i = 0 */
    /*  4 */ OP_LOAD, 0, OP_LOAD, 2, OP_LT, OP_JZ, 49, /* while (i < n) */
    /* 11 */ OP_LOAD, 1, OP_LOAD, 0, OP_XOR,
    /* 16 */ OP_PUSH, 16777619, OP_MUL, OP_DUP,
    /* 20 */ OP_PUSH, 13, OP_SHR, OP_XOR, OP_STORE, 1, /* h = ... */
    /* 26 */ OP_LOAD, 1, OP_PUSH, 1, OP_AND, OP_JZ, 40,
    /* 33 */ OP_LOAD, 3, OP_PUSH, 1, OP_ADD, OP_STORE, 3, /* c++ */
    /* 40 */ OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0, /* i++ */
    /* 47 */ OP_JMP, 4,
    /* 49 */ OP_HALT
};

int
main(void)
{
    Vm vm;
    uint64_t steps = 0;
    int run;

    for (run = 0; run < 4; run++) {
        int i;
        for (i = 0; i < 8; i++)
            vm.vars[i] = 0;
        vm.vars[1] = (int32_t)(2166136261u + (uint32_t)run);
        vm.vars[2] = 700000;
        vm.code = program;
        vm.pc = 0;
        vm.sp = 0;
        vm.running = 1;
        while (vm.running) {
            int32_t op = vm.code[vm.pc++];
            handlers[op](&vm);
            steps++;
        }
        printf("run %d: h %08x odd %d\n", run, (unsigned)vm.vars[1],
               (int)vm.vars[3]);
    }
    printf("interp: %llu instructions\n", (unsigned long long)steps);
    return 0;
}
