// FullMath is inline in full_math.h (it runs several times per swap
// step); this translation unit checks that the header stands alone.
#include "univ3/full_math.h"
