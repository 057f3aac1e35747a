// Elementwise operations for each floating-point type T (float, double); K(name) appends the type
// suffix. Operation codes are the ordinals of UnaryOp and BinaryOp. Shared by the kernels of
// math.cl and by the fused elementwise programs, which call them with constant codes.

// Java's Math.max/min: NaN if either is NaN, and +0 > -0.
inline T K(jmax)(T x, T y) {
  if (x != x || y != y) return x + y;
  if (x == 0 && y == 0) return signbit(x) ? y : x;
  return x > y ? x : y;
}
inline T K(jmin)(T x, T y) {
  if (x != x || y != y) return x + y;
  if (x == 0 && y == 0) return signbit(x) ? x : y;
  return x < y ? x : y;
}

// a and b are of type T (the host rounds parameters to float for the float kernels, and a fused
// program's constants are float literals), so STEP and CLAMP compare x with parameters of its own
// type, the rule of UnaryOp.applyFloat32.
inline T K(unop)(int op, T x, T a, T b) {
  switch (op) {
    case 0: return -x;
    case 1: return fabs(x);
    case 2: return x > 0 ? (T) 1 : (x < 0 ? (T) -1 : x);
    case 3: return exp(x);
    case 4: return expm1(x);
    case 5: return log(x);
    case 6: return log1p(x);
    case 7: return sqrt(x);
    case 8: return (T) 1 / x;
    case 9: return x * x;
    case 10: return sin(x);
    case 11: return cos(x);
    case 12: return tanh(x);
    case 13: return x >= 0 ? (T) 1 / ((T) 1 + exp(-x)) : exp(x) / ((T) 1 + exp(x));
    case 14: return x > 0 ? x : (x == x ? (T) 0 : x);
    case 15: return erf(x);
    case 16: return a * x + b;
    case 17: return pow(x, a);
    case 18: return x != x ? x : K(jmin)(K(jmax)(x, a), b);
    default: return x > a ? (T) 1 : (T) 0; // STEP, compared in T
  }
}

inline T K(binop)(int op, T x, T y) {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return pow(x, y);
    case 5: return K(jmax)(x, y);
    case 6: return K(jmin)(x, y);
    case 7: return x > y ? (T) 1 : (T) 0;
    case 8: return x >= y ? (T) 1 : (T) 0;
    case 9: return x < y ? (T) 1 : (T) 0;
    case 10: return x <= y ? (T) 1 : (T) 0;
    case 11: return x == y ? (T) 1 : (T) 0;
    default: return x != y ? (T) 1 : (T) 0;
  }
}
