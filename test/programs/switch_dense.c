/* A dense switch with 256 cases (compiled to br_table), a switch on
 * characters, a sparse switch, and fall-through chains. */
#include <stdint.h>
#include <stdio.h>

static uint32_t
dense(uint32_t op, uint32_t a)
{
    switch (op) {
    case 0:
        return a + 1u;
    case 1:
        return a * 762u;
    case 2:
        return a ^ 4141637u;
    case 3:
        return (a << 4) | (a >> 28);
    case 4:
        return a - 45u * 4u;
    case 5:
        return ~a + 5u;
    case 6:
        return a / 567u + 6u;
    case 7:
        return (a % 328u) * 10u;
    case 8:
        return a + 89u;
    case 9:
        return a * 850u;
    case 10:
        return a ^ 4838509u;
    case 11:
        return (a << 12) | (a >> 20);
    case 12:
        return a - 133u * 12u;
    case 13:
        return ~a + 13u;
    case 14:
        return a / 655u + 14u;
    case 15:
        return (a % 416u) * 18u;
    case 16:
        return a + 177u;
    case 17:
        return a * 938u;
    case 18:
        return a ^ 5535381u;
    case 19:
        return (a << 20) | (a >> 12);
    case 20:
        return a - 221u * 20u;
    case 21:
        return ~a + 21u;
    case 22:
        return a / 743u + 22u;
    case 23:
        return (a % 504u) * 26u;
    case 24:
        return a + 265u;
    case 25:
        return a * 26u;
    case 26:
        return a ^ 6232253u;
    case 27:
        return (a << 28) | (a >> 4);
    case 28:
        return a - 309u * 28u;
    case 29:
        return ~a + 29u;
    case 30:
        return a / 831u + 30u;
    case 31:
        return (a % 592u) * 34u;
    case 32:
        return a + 353u;
    case 33:
        return a * 114u;
    case 34:
        return a ^ 6929125u;
    case 35:
        return (a << 5) | (a >> 27);
    case 36:
        return a - 397u * 36u;
    case 37:
        return ~a + 37u;
    case 38:
        return a / 919u + 38u;
    case 39:
        return (a % 680u) * 42u;
    case 40:
        return a + 441u;
    case 41:
        return a * 202u;
    case 42:
        return a ^ 7625997u;
    case 43:
        return (a << 13) | (a >> 19);
    case 44:
        return a - 485u * 44u;
    case 45:
        return ~a + 45u;
    case 46:
        return a / 7u + 46u;
    case 47:
        return (a % 768u) * 50u;
    case 48:
        return a + 529u;
    case 49:
        return a * 290u;
    case 50:
        return a ^ 403869u;
    case 51:
        return (a << 21) | (a >> 11);
    case 52:
        return a - 573u * 52u;
    case 53:
        return ~a + 53u;
    case 54:
        return a / 95u + 54u;
    case 55:
        return (a % 856u) * 58u;
    case 56:
        return a + 617u;
    case 57:
        return a * 378u;
    case 58:
        return a ^ 1100741u;
    case 59:
        return (a << 29) | (a >> 3);
    case 60:
        return a - 661u * 60u;
    case 61:
        return ~a + 61u;
    case 62:
        return a / 183u + 62u;
    case 63:
        return (a % 944u) * 66u;
    case 64:
        return a + 705u;
    case 65:
        return a * 466u;
    case 66:
        return a ^ 1797613u;
    case 67:
        return (a << 6) | (a >> 26);
    case 68:
        return a - 749u * 68u;
    case 69:
        return ~a + 69u;
    case 70:
        return a / 271u + 70u;
    case 71:
        return (a % 32u) * 74u;
    case 72:
        return a + 793u;
    case 73:
        return a * 554u;
    case 74:
        return a ^ 2494485u;
    case 75:
        return (a << 14) | (a >> 18);
    case 76:
        return a - 837u * 76u;
    case 77:
        return ~a + 77u;
    case 78:
        return a / 359u + 78u;
    case 79:
        return (a % 120u) * 82u;
    case 80:
        return a + 881u;
    case 81:
        return a * 642u;
    case 82:
        return a ^ 3191357u;
    case 83:
        return (a << 22) | (a >> 10);
    case 84:
        return a - 925u * 84u;
    case 85:
        return ~a + 85u;
    case 86:
        return a / 447u + 86u;
    case 87:
        return (a % 208u) * 90u;
    case 88:
        return a + 969u;
    case 89:
        return a * 730u;
    case 90:
        return a ^ 3888229u;
    case 91:
        return (a << 30) | (a >> 2);
    case 92:
        return a - 13u * 92u;
    case 93:
        return ~a + 93u;
    case 94:
        return a / 535u + 94u;
    case 95:
        return (a % 296u) * 98u;
    case 96:
        return a + 57u;
    case 97:
        return a * 818u;
    case 98:
        return a ^ 4585101u;
    case 99:
        return (a << 7) | (a >> 25);
    case 100:
        return a - 101u * 100u;
    case 101:
        return ~a + 101u;
    case 102:
        return a / 623u + 102u;
    case 103:
        return (a % 384u) * 106u;
    case 104:
        return a + 145u;
    case 105:
        return a * 906u;
    case 106:
        return a ^ 5281973u;
    case 107:
        return (a << 15) | (a >> 17);
    case 108:
        return a - 189u * 108u;
    case 109:
        return ~a + 109u;
    case 110:
        return a / 711u + 110u;
    case 111:
        return (a % 472u) * 114u;
    case 112:
        return a + 233u;
    case 113:
        return a * 994u;
    case 114:
        return a ^ 5978845u;
    case 115:
        return (a << 23) | (a >> 9);
    case 116:
        return a - 277u * 116u;
    case 117:
        return ~a + 117u;
    case 118:
        return a / 799u + 118u;
    case 119:
        return (a % 560u) * 122u;
    case 120:
        return a + 321u;
    case 121:
        return a * 82u;
    case 122:
        return a ^ 6675717u;
    case 123:
        return (a << 31) | (a >> 1);
    case 124:
        return a - 365u * 124u;
    case 125:
        return ~a + 125u;
    case 126:
        return a / 887u + 126u;
    case 127:
        return (a % 648u) * 130u;
    case 128:
        return a + 409u;
    case 129:
        return a * 170u;
    case 130:
        return a ^ 7372589u;
    case 131:
        return (a << 8) | (a >> 24);
    case 132:
        return a - 453u * 132u;
    case 133:
        return ~a + 133u;
    case 134:
        return a / 975u + 134u;
    case 135:
        return (a % 736u) * 138u;
    case 136:
        return a + 497u;
    case 137:
        return a * 258u;
    case 138:
        return a ^ 150461u;
    case 139:
        return (a << 16) | (a >> 16);
    case 140:
        return a - 541u * 140u;
    case 141:
        return ~a + 141u;
    case 142:
        return a / 63u + 142u;
    case 143:
        return (a % 824u) * 146u;
    case 144:
        return a + 585u;
    case 145:
        return a * 346u;
    case 146:
        return a ^ 847333u;
    case 147:
        return (a << 24) | (a >> 8);
    case 148:
        return a - 629u * 148u;
    case 149:
        return ~a + 149u;
    case 150:
        return a / 151u + 150u;
    case 151:
        return (a % 912u) * 154u;
    case 152:
        return a + 673u;
    case 153:
        return a * 434u;
    case 154:
        return a ^ 1544205u;
    case 155:
        return (a << 1) | (a >> 31);
    case 156:
        return a - 717u * 156u;
    case 157:
        return ~a + 157u;
    case 158:
        return a / 239u + 158u;
    case 159:
        return (a % 1000u) * 162u;
    case 160:
        return a + 761u;
    case 161:
        return a * 522u;
    case 162:
        return a ^ 2241077u;
    case 163:
        return (a << 9) | (a >> 23);
    case 164:
        return a - 805u * 164u;
    case 165:
        return ~a + 165u;
    case 166:
        return a / 327u + 166u;
    case 167:
        return (a % 88u) * 170u;
    case 168:
        return a + 849u;
    case 169:
        return a * 610u;
    case 170:
        return a ^ 2937949u;
    case 171:
        return (a << 17) | (a >> 15);
    case 172:
        return a - 893u * 172u;
    case 173:
        return ~a + 173u;
    case 174:
        return a / 415u + 174u;
    case 175:
        return (a % 176u) * 178u;
    case 176:
        return a + 937u;
    case 177:
        return a * 698u;
    case 178:
        return a ^ 3634821u;
    case 179:
        return (a << 25) | (a >> 7);
    case 180:
        return a - 981u * 180u;
    case 181:
        return ~a + 181u;
    case 182:
        return a / 503u + 182u;
    case 183:
        return (a % 264u) * 186u;
    case 184:
        return a + 25u;
    case 185:
        return a * 786u;
    case 186:
        return a ^ 4331693u;
    case 187:
        return (a << 2) | (a >> 30);
    case 188:
        return a - 69u * 188u;
    case 189:
        return ~a + 189u;
    case 190:
        return a / 591u + 190u;
    case 191:
        return (a % 352u) * 194u;
    case 192:
        return a + 113u;
    case 193:
        return a * 874u;
    case 194:
        return a ^ 5028565u;
    case 195:
        return (a << 10) | (a >> 22);
    case 196:
        return a - 157u * 196u;
    case 197:
        return ~a + 197u;
    case 198:
        return a / 679u + 198u;
    case 199:
        return (a % 440u) * 202u;
    case 200:
        return a + 201u;
    case 201:
        return a * 962u;
    case 202:
        return a ^ 5725437u;
    case 203:
        return (a << 18) | (a >> 14);
    case 204:
        return a - 245u * 204u;
    case 205:
        return ~a + 205u;
    case 206:
        return a / 767u + 206u;
    case 207:
        return (a % 528u) * 210u;
    case 208:
        return a + 289u;
    case 209:
        return a * 50u;
    case 210:
        return a ^ 6422309u;
    case 211:
        return (a << 26) | (a >> 6);
    case 212:
        return a - 333u * 212u;
    case 213:
        return ~a + 213u;
    case 214:
        return a / 855u + 214u;
    case 215:
        return (a % 616u) * 218u;
    case 216:
        return a + 377u;
    case 217:
        return a * 138u;
    case 218:
        return a ^ 7119181u;
    case 219:
        return (a << 3) | (a >> 29);
    case 220:
        return a - 421u * 220u;
    case 221:
        return ~a + 221u;
    case 222:
        return a / 943u + 222u;
    case 223:
        return (a % 704u) * 226u;
    case 224:
        return a + 465u;
    case 225:
        return a * 226u;
    case 226:
        return a ^ 7816053u;
    case 227:
        return (a << 11) | (a >> 21);
    case 228:
        return a - 509u * 228u;
    case 229:
        return ~a + 229u;
    case 230:
        return a / 31u + 230u;
    case 231:
        return (a % 792u) * 234u;
    case 232:
        return a + 553u;
    case 233:
        return a * 314u;
    case 234:
        return a ^ 593925u;
    case 235:
        return (a << 19) | (a >> 13);
    case 236:
        return a - 597u * 236u;
    case 237:
        return ~a + 237u;
    case 238:
        return a / 119u + 238u;
    case 239:
        return (a % 880u) * 242u;
    case 240:
        return a + 641u;
    case 241:
        return a * 402u;
    case 242:
        return a ^ 1290797u;
    case 243:
        return (a << 27) | (a >> 5);
    case 244:
        return a - 685u * 244u;
    case 245:
        return ~a + 245u;
    case 246:
        return a / 207u + 246u;
    case 247:
        return (a % 968u) * 250u;
    case 248:
        return a + 729u;
    case 249:
        return a * 490u;
    case 250:
        return a ^ 1987669u;
    case 251:
        return (a << 4) | (a >> 28);
    case 252:
        return a - 773u * 252u;
    case 253:
        return ~a + 253u;
    case 254:
        return a / 295u + 254u;
    case 255:
        return (a % 56u) * 258u;
    default:
        return a;
    }
}

static int
classify(int ch)
{
    switch (ch) {
    case 'a': case 'e': case 'i': case 'o': case 'u':
    case 'A': case 'E': case 'I': case 'O': case 'U':
        return 1;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return 2;
    case ' ': case '\t': case '\n':
        return 3;
    case '.': case ',': case ';': case ':': case '!': case '?':
        return 4;
    default:
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
            return 5;
        return 0;
    }
}

static int32_t
sparse(int32_t v)
{
    switch (v) {
    case -1000000: return 1;
    case -77: return 2;
    case 0: return 3;
    case 13: return 4;
    case 1000: return 5;
    case 65536: return 6;
    case 1 << 30: return 7;
    case 2147483647: return 8;
    case -2147483647 - 1: return 9;
    default: return 0;
    }
}

static int
fallthrough(int n)
{
    int r = 0;
    switch (n) {
    case 0:
        r += 1;
        /* fall through */
    case 1:
        r += 10;
        /* fall through */
    case 2:
        r += 100;
        break;
    case 3:
        r += 1000;
        /* fall through */
    default:
        r += 10000;
    }
    return r;
}

int
main(void)
{
    uint32_t acc = 1, i, r;
    int counts[6] = {0};
    const char *text = "The quick brown fox, aged 7, jumps over 12 lazy dogs!"
                       " Is it true? Yes.\tEnd\n";
    static const int32_t sv[] = {-1000000, -77, 0, 13, 1000, 65536, 1 << 30,
                                 2147483647, -2147483647 - 1, 5, -5, 999};

    for (i = 0; i < 256; i++) {
        r = dense(i, 0x12345678u + i);
        if (i % 16 == 0)
            printf("dense(%u)=%08x\n", (unsigned)i, (unsigned)r);
        acc = acc * 31u + r;
    }
    for (i = 0; i < 100000; i++)
        acc = dense((acc >> 3) % 300u, acc + i);
    printf("acc=%08x\n", (unsigned)acc);
    for (i = 0; text[i]; i++)
        counts[classify((unsigned char)text[i])]++;
    printf("classes: %d %d %d %d %d %d\n", counts[0], counts[1], counts[2],
           counts[3], counts[4], counts[5]);
    for (i = 0; i < sizeof sv / sizeof sv[0]; i++)
        printf("sparse(%d)=%d\n", (int)sv[i], (int)sparse(sv[i]));
    for (i = 0; i < 6; i++)
        printf("fallthrough(%u)=%d\n", (unsigned)i, fallthrough((int)i));
    return 0;
}
