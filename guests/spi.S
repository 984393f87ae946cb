/* The IRQ vector and handler entry (guests/lib/gicv3.inc). */
#include "gicv3.inc"
