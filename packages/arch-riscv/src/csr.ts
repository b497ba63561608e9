// Numbers of the user-level CSRs this hart implements (riscv/riscv-opcodes
// csrs.csv): the FP control and status registers and the Zicntr counters.
export const CSR_FFLAGS = 0x001;
export const CSR_FRM = 0x002;
export const CSR_FCSR = 0x003;
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
