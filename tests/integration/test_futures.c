#include "itest.h"
