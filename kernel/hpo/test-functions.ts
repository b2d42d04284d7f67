/** Standard HPO test functions (minimization) with their known optima. */
import { uniform, type Params, type Space } from './space';

const num = (p: Params, k: string): number => p[k] as number;

/** Branin–Hoo on [-5, 10] × [0, 15]; global minimum 0.397887 (three minimizers). */
export const branin = {
  space: { x1: uniform(-5, 10), x2: uniform(0, 15) } as Space,
  optimum: 0.397887,
  f(p: Params): number {
    const x1 = num(p, 'x1');
    const x2 = num(p, 'x2');
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

/** Hartmann-6 on [0, 1]^6; global minimum −3.32237. */
export const hartmann6 = {
  space: Object.fromEntries(Array.from({ length: 6 }, (_, j) => [`x${j}`, uniform(0, 1)])) as Space,
  optimum: -3.32237,
  f(p: Params): number {
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += A[i]![j]! * (num(p, `x${j}`) - P[i]![j]! * 1e-4) ** 2;
      s += ALPHA[i]! * Math.exp(-inner);
    }
    return -s;
  },
};

/** (x − 1.5)² + (y + 0.5)² on [-5, 5]²; minimum 0. */
export const quadratic = {
  space: { x: uniform(-5, 5), y: uniform(-5, 5) } as Space,
  optimum: 0,
  f: (p: Params): number => (num(p, 'x') - 1.5) ** 2 + (num(p, 'y') + 0.5) ** 2,
};
