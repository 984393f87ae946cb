# Turn a binary file into a C array and its size:
#   cmake -DIN= -DOUT= -DSYMBOL= -P embed_bin.cmake
# gives  const unsigned char SYMBOL[];  const unsigned long SYMBOL_size;
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR nbytes "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from ${IN}; do not edit. */\n"
	"const unsigned char ${SYMBOL}[] __attribute__((aligned(4096))) = {${bytes}};\n"
	"const unsigned long ${SYMBOL}_size = ${nbytes};\n")
