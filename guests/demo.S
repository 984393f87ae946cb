/* The IRQ vector and handler entry (guests/lib/gicv3.inc): the echo mode reads by interrupt. */
#include "gicv3.inc"
