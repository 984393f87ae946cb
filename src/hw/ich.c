// SPDX-License-Identifier: MIT
/* The EL2 virtual CPU interface registers of the calling PE (hw/ich.h). */
#include "hw/ich.h"

static _Thread_local struct hw_ich this_pe;

struct hw_ich *hw_ich_this_pe(void)
{
	return &this_pe;
}
