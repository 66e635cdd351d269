/* A small stack-machine bytecode interpreter: a dispatch loop over a dense
 * switch, running a few programs (loops, calls, a sieve in its memory). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER, OP_ADD, OP_SUB,
    OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
    OP_EQ, OP_LT, OP_GT, OP_NOT, OP_JMP, OP_JZ, OP_JNZ, OP_LOAD, OP_STORE,
    OP_CALL, OP_RET, OP_PRINT, OP_INC, OP_DEC, OP_GETL, OP_SETL,
    OP_LABEL = 100 /* pseudo-op for the loader: OP_LABEL id */
};

#define STACK 256
#define MEMSZ 4096

struct vm {
    int32_t stack[STACK];
    int32_t mem[MEMSZ];
    int32_t rstack[64];
    int32_t locals[16];
    int sp, rsp;
    uint64_t steps;
};

static int
run(struct vm *vm, const int32_t *code)
{
    int pc = 0;
    int32_t a, b;
#define POP() (vm->stack[--vm->sp])
#define PUSH(v) (vm->stack[vm->sp++] = (v))
    vm->sp = 0;
    vm->rsp = 0;
    for (;;) {
        vm->steps++;
        if (vm->sp < 0 || vm->sp >= STACK - 2) {
            printf("stack fault at %d\n", pc);
            return -1;
        }
        switch (code[pc++]) {
        case OP_HALT:
            return vm->sp ? POP() : 0;
        case OP_PUSH:
            PUSH(code[pc++]);
            break;
        case OP_POP:
            vm->sp--;
            break;
        case OP_DUP:
            a = vm->stack[vm->sp - 1];
            PUSH(a);
            break;
        case OP_SWAP:
            a = vm->stack[vm->sp - 1];
            vm->stack[vm->sp - 1] = vm->stack[vm->sp - 2];
            vm->stack[vm->sp - 2] = a;
            break;
        case OP_OVER:
            a = vm->stack[vm->sp - 2];
            PUSH(a);
            break;
        case OP_ADD:
            b = POP(); a = POP();
            PUSH((int32_t)((uint32_t)a + (uint32_t)b));
            break;
        case OP_SUB:
            b = POP(); a = POP();
            PUSH((int32_t)((uint32_t)a - (uint32_t)b));
            break;
        case OP_MUL:
            b = POP(); a = POP();
            PUSH((int32_t)((uint32_t)a * (uint32_t)b));
            break;
        case OP_DIV:
            b = POP(); a = POP();
            PUSH(b ? a / b : 0);
            break;
        case OP_MOD:
            b = POP(); a = POP();
            PUSH(b ? a % b : 0);
            break;
        case OP_NEG:
            a = POP();
            PUSH((int32_t)(0u - (uint32_t)a));
            break;
        case OP_AND:
            b = POP(); a = POP();
            PUSH(a & b);
            break;
        case OP_OR:
            b = POP(); a = POP();
            PUSH(a | b);
            break;
        case OP_XOR:
            b = POP(); a = POP();
            PUSH(a ^ b);
            break;
        case OP_SHL:
            b = POP(); a = POP();
            PUSH((int32_t)((uint32_t)a << (b & 31)));
            break;
        case OP_SHR:
            b = POP(); a = POP();
            PUSH((int32_t)((uint32_t)a >> (b & 31)));
            break;
        case OP_EQ:
            b = POP(); a = POP();
            PUSH(a == b);
            break;
        case OP_LT:
            b = POP(); a = POP();
            PUSH(a < b);
            break;
        case OP_GT:
            b = POP(); a = POP();
            PUSH(a > b);
            break;
        case OP_NOT:
            a = POP();
            PUSH(!a);
            break;
        case OP_JMP:
            pc = code[pc];
            break;
        case OP_JZ:
            a = POP();
            pc = a ? pc + 1 : code[pc];
            break;
        case OP_JNZ:
            a = POP();
            pc = a ? code[pc] : pc + 1;
            break;
        case OP_LOAD:
            a = POP();
            PUSH(vm->mem[(uint32_t)a % MEMSZ]);
            break;
        case OP_STORE:
            a = POP(); /* address */
            b = POP(); /* value */
            vm->mem[(uint32_t)a % MEMSZ] = b;
            break;
        case OP_CALL:
            vm->rstack[vm->rsp++] = pc + 1;
            pc = code[pc];
            break;
        case OP_RET:
            pc = vm->rstack[--vm->rsp];
            break;
        case OP_PRINT:
            a = POP();
            printf("vm: %d\n", (int)a);
            break;
        case OP_INC:
            vm->stack[vm->sp - 1]++;
            break;
        case OP_DEC:
            vm->stack[vm->sp - 1]--;
            break;
        case OP_GETL:
            PUSH(vm->locals[code[pc++] & 15]);
            break;
        case OP_SETL:
            vm->locals[code[pc++] & 15] = POP();
            break;
        default:
            printf("bad opcode %d at %d\n", (int)code[pc - 1], pc - 1);
            return -1;
        }
    }
#undef POP
#undef PUSH
}

/* resolve labels: jump and call operands name a label id */
static int
load(const int32_t *src, int n, int32_t *out)
{
    int32_t where[32];
    int i, len = 0;
    for (i = 0; i < n;) {
        int32_t op = src[i];
        if (op == OP_LABEL) {
            where[src[i + 1]] = len;
            i += 2;
            continue;
        }
        out[len++] = op;
        i++;
        if (op == OP_PUSH || op == OP_JMP || op == OP_JZ || op == OP_JNZ ||
            op == OP_CALL || op == OP_GETL || op == OP_SETL)
            out[len++] = src[i++];
    }
    for (i = 0; i < len;) {
        int32_t op = out[i++];
        if (op == OP_JMP || op == OP_JZ || op == OP_JNZ || op == OP_CALL)
            out[i] = where[out[i]];
        if (op == OP_PUSH || op == OP_JMP || op == OP_JZ || op == OP_JNZ ||
            op == OP_CALL || op == OP_GETL || op == OP_SETL)
            i++;
    }
    return len;
}

#define L(id) OP_LABEL, id

/* sum of i*i for i in [1, 100000), wrapping */
static const int32_t p_sumsq[] = {
    OP_PUSH, 0, OP_SETL, 0, OP_PUSH, 1, OP_SETL, 1,
    L(1),
    OP_GETL, 1, OP_PUSH, 100000, OP_LT, OP_JZ, 2,
    OP_GETL, 0, OP_GETL, 1, OP_DUP, OP_MUL, OP_ADD, OP_SETL, 0,
    OP_GETL, 1, OP_INC, OP_SETL, 1, OP_JMP, 1,
    L(2),
    OP_GETL, 0, OP_HALT
};

/* collatz: steps for n = 1..3000, printing the maximum; uses a call */
static const int32_t p_collatz[] = {
    OP_PUSH, 0, OP_SETL, 3,            /* best steps */
    OP_PUSH, 0, OP_SETL, 4,            /* best n */
    OP_PUSH, 1, OP_SETL, 0,            /* n = 1 */
    L(1),
    OP_GETL, 0, OP_PUSH, 3000, OP_GT, OP_JNZ, 9,
    OP_GETL, 0, OP_CALL, 5,            /* steps(n) on the stack */
    OP_DUP, OP_GETL, 3, OP_GT, OP_JZ, 3,
    OP_SETL, 3, OP_GETL, 0, OP_SETL, 4, OP_JMP, 4,
    L(3),
    OP_POP,
    L(4),
    OP_GETL, 0, OP_INC, OP_SETL, 0, OP_JMP, 1,
    L(9),
    OP_GETL, 4, OP_PRINT, OP_GETL, 3, OP_HALT,
    /* steps: ( n -- count ) */
    L(5),
    OP_PUSH, 0, OP_SWAP,               /* count n */
    L(6),
    OP_DUP, OP_PUSH, 1, OP_EQ, OP_JNZ, 8,
    OP_DUP, OP_PUSH, 1, OP_AND, OP_JZ, 7,
    OP_PUSH, 3, OP_MUL, OP_INC,        /* odd: 3n+1 */
    OP_SWAP, OP_INC, OP_SWAP, OP_JMP, 6,
    L(7),
    OP_PUSH, 1, OP_SHR,                /* even: n/2 */
    OP_SWAP, OP_INC, OP_SWAP, OP_JMP, 6,
    L(8),
    OP_POP, OP_RET
};

/* sieve of Eratosthenes in vm memory: count primes below 4000 */
static const int32_t p_sieve[] = {
    OP_PUSH, 2, OP_SETL, 0,
    L(1),
    OP_GETL, 0, OP_PUSH, 4000, OP_LT, OP_JZ, 5,
    OP_GETL, 0, OP_LOAD, OP_JNZ, 4,    /* composite: skip */
    OP_GETL, 0, OP_DUP, OP_MUL, OP_SETL, 1,
    L(2),
    OP_GETL, 1, OP_PUSH, 4000, OP_LT, OP_JZ, 4,
    OP_PUSH, 1, OP_GETL, 1, OP_STORE,
    OP_GETL, 1, OP_GETL, 0, OP_ADD, OP_SETL, 1, OP_JMP, 2,
    L(4),
    OP_GETL, 0, OP_INC, OP_SETL, 0, OP_JMP, 1,
    L(5),
    OP_PUSH, 0, OP_SETL, 2, OP_PUSH, 2, OP_SETL, 0,
    L(6),
    OP_GETL, 0, OP_PUSH, 4000, OP_LT, OP_JZ, 8,
    OP_GETL, 0, OP_LOAD, OP_JNZ, 7,
    OP_GETL, 2, OP_INC, OP_SETL, 2,
    L(7),
    OP_GETL, 0, OP_INC, OP_SETL, 0, OP_JMP, 6,
    L(8),
    OP_GETL, 2, OP_HALT
};

/* arithmetic soup: exercises every remaining opcode */
static const int32_t p_soup[] = {
    OP_PUSH, -17, OP_PUSH, 5, OP_DIV, OP_PRINT,
    OP_PUSH, -17, OP_PUSH, 5, OP_MOD, OP_PRINT,
    OP_PUSH, 12345, OP_NEG, OP_PUSH, 7, OP_SUB, OP_PRINT,
    OP_PUSH, 0x0f0f, OP_PUSH, 0x00ff, OP_OR, OP_PUSH, 0x0ff0, OP_XOR,
    OP_PRINT,
    OP_PUSH, -1, OP_PUSH, 28, OP_SHR, OP_PUSH, 3, OP_SHL, OP_PRINT,
    OP_PUSH, 5, OP_PUSH, 9, OP_OVER, OP_OVER, OP_GT, OP_PRINT, OP_LT,
    OP_PRINT,
    OP_PUSH, 0, OP_NOT, OP_PUSH, 7, OP_NOT, OP_ADD, OP_PRINT,
    OP_PUSH, 100, OP_DEC, OP_DEC, OP_PUSH, 0, OP_DIV, OP_PRINT,
    OP_PUSH, 2147483647, OP_PUSH, 2, OP_MUL, OP_PRINT,
    OP_PUSH, 99, OP_HALT
};

int
main(void)
{
    static struct vm vm;
    static int32_t code[512];
    static const struct {
        const char *name;
        const int32_t *src;
        int n;
    } progs[] = {
        {"sumsq", p_sumsq, (int)(sizeof p_sumsq / sizeof p_sumsq[0])},
        {"collatz", p_collatz, (int)(sizeof p_collatz / sizeof p_collatz[0])},
        {"sieve", p_sieve, (int)(sizeof p_sieve / sizeof p_sieve[0])},
        {"soup", p_soup, (int)(sizeof p_soup / sizeof p_soup[0])},
    };
    unsigned i;

    for (i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        int len = load(progs[i].src, progs[i].n, code);
        int r;
        memset(&vm, 0, sizeof vm);
        r = run(&vm, code);
        printf("%s: len=%d result=%d steps=%llu\n", progs[i].name, len, r,
               (unsigned long long)vm.steps);
    }
    return 0;
}
