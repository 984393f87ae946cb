# The documentation states what the code does: run doc_facts (facts measured
# on the library), then require each doc to say them in these words.
# -DFACTS=<doc_facts> -DSRC=<source dir>
execute_process(COMMAND ${FACTS} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "doc_facts: exit ${rc}")
endif()
string(REPLACE "\n" ";" lines "${out}")
foreach(line IN LISTS lines)
	if(line MATCHES "^([a-z_]+)=(.*)$")
		set(${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
	endif()
endforeach()

set(failed 0)
function(says file text)
	file(READ ${SRC}/${file} doc)
	# Markdown and comments wrap lines: compare with whitespace runs as one space.
	string(REGEX REPLACE "[ \t\n*]+" " " doc "${doc}")
	string(REGEX REPLACE "[ \t\n]+" " " text "${text}")
	string(FIND "${doc}" "${text}" pos)
	if(pos EQUAL -1)
		message(SEND_ERROR "${file} does not say: ${text}")
	else()
		message(STATUS "ok ${file}: ${text}")
	endif()
endfunction()

says(docs/KVM.md
	"`MEMORY_ATTRIBUTES` ${memattr_kvm} (`KVM_MEMORY_ATTRIBUTE_PRIVATE`) on /dev/kvm")
if(NOT memattr_kvm EQUAL memattr_realm)
	message(SEND_ERROR "MEMORY_ATTRIBUTES: /dev/kvm ${memattr_kvm}, realm VM ${memattr_realm}")
endif()
says(docs/KVM.md "${memattr_normal} on another VM fd (as Linux")
says(docs/KVM.md "`GUEST_MEMFD` ${gmem_kvm} on /dev/kvm and a realm VM fd (${gmem_normal} on")
says(docs/KVM.md "an id already used `${dup_vcpu_errno}`")
says(docs/KVM.md "before `VCPU_INIT` `${run_uninit_errno}`;
	on a VM that is not a realm `${run_normal_errno}`")
says(docs/KVM.md "`ID_AA64DFR0_EL1` = ${dfr0}")
says(docs/KVM.md "num_bps = ${num_bps}, num_wps = ${num_wps}")
says(docs/KVM.md "DRAM is ${host_dram_gib} GiB at `0x80000000`")
says(docs/KVM.md "(`realmkit rmi` defaults to ${rmi_dram_gib} GiB instead")
says(docs/ARCHITECTURE.md "${host_dram_gib} GiB by default for a KVM host")
says(docs/ARCHITECTURE.md "${rmi_dram_gib} GiB by default for `realmkit rmi`")
says(docs/RMI-SCRIPTS.md "Default ${rmi_dram_gib} GiB (`rk_host_create()`, the KVM layer,
	defaults to ${host_dram_gib} GiB instead)")
says(include/realmkit/host.h "0: ${host_dram_gib} GiB")
# The RMM a host boots by default (doc_facts runs without REALMKIT_RMM).
says(include/realmkit/host.h "else ${host_rmm} (the RMI Linux v14 drives)")
says(docs/KVM.md "`rk_host_create()` boots an RMM ${host_rmm} unless")
says(docs/RMM2.md "| KVM (`rk_host_create()`) | ${host_rmm} |")

# Every rk_ioctl() in an example passes the host first.
foreach(file include/realmkit/host.h docs/KVM.md README.md)
	file(READ ${SRC}/${file} doc)
	string(REGEX MATCHALL "rk_ioctl\\([^,)]*," calls "${doc}")
	foreach(call IN LISTS calls)
		if(NOT call MATCHES "^rk_ioctl\\((struct rk_host \\*)?host,")
			message(SEND_ERROR "${file}: '${call}' does not pass the host first")
		endif()
	endforeach()
endforeach()
