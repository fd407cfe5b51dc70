// SPDX-License-Identifier: BSD-3-Clause
/*
 * The virt machine's one PL011 UART (0x0900_0000), polled: console text
 * and kicks out, kicks in (remoteproc/qemu_proto.h). Its receive
 * interrupt is enabled only to wake the core from WFI; the board never
 * takes it, it drains the receive FIFO instead, which lowers it.
 *
 * No baud-rate setup: QEMU ignores it, and the host's end is a socket.
 */
#include "qemu_virt.h"

#define UART_BASE 0x09000000u
#define UART_DR (UART_BASE + 0x000u) /* data */
#define UART_FR (UART_BASE + 0x018u) /* flags */
#define UART_LCR_H (UART_BASE + 0x02cu) /* line control */
#define UART_CR (UART_BASE + 0x030u) /* control */
#define UART_IMSC (UART_BASE + 0x038u) /* interrupt mask set/clear */
#define UART_ICR (UART_BASE + 0x044u) /* interrupt clear */

#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4) /* receive FIFO empty */
#define FR_TXFF (1u << 5) /* transmit FIFO full */

#define LCR_H_FEN (1u << 4) /* FIFOs on */
#define LCR_H_WLEN8 (3u << 5) /* 8 data bits */

#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

#define INT_RX (1u << 4) /* receive FIFO at its trigger level */
#define INT_RT (1u << 6) /* receive timeout: bytes below the level */

void qv_uart_init(void)
{
	qv_wr(UART_CR, 0);
	qv_wr(UART_LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	qv_wr(UART_ICR, 0x7ffu);
	qv_wr(UART_IMSC, INT_RX | INT_RT);
	qv_wr(UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void qv_uart_tx_on(void)
{
	qv_wr(UART_CR, qv_rd(UART_CR) | CR_UARTEN | CR_TXE);
}

void qv_uart_put(uint8_t c)
{
	while (qv_rd(UART_FR) & FR_TXFF)
		;
	qv_wr(UART_DR, c);
}

uint32_t qv_uart_drain(void)
{
	uint32_t n = 0;

	while (!(qv_rd(UART_FR) & FR_RXFE)) {
		(void)qv_rd(UART_DR);
		n++;
	}
	return n;
}

void qv_uart_irq_off(void)
{
	qv_wr(UART_IMSC, 0);
	qv_wr(UART_ICR, 0x7ffu);
	/* our last bytes leave the transmitter before the core halts */
	while (qv_rd(UART_FR) & FR_BUSY)
		;
}
