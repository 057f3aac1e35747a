// The AVX-512 variant of ../shared/bench/reference/peak.c, for machines whose preferred Vector API
// species is 512 bits wide (the simd backend then computes in zmm registers).
// Measures effective core clock (dependent integer add chain, 1 cycle/add)
// and achievable fp32 FMA throughput (AVX-512, 12 independent zmm FMA chains).
// Build: gcc -O2 -mavx512f -mfma -pthread peak-avx512.c -o peak-avx512 ; run: ./peak-avx512 [threads] [reps]
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
static double clock_ghz(void){
  long iters=200000000/100; double t0=now(); long x=0;
  for(long i=0;i<iters;i++){
    __asm__ volatile(
#define A10 "add $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\t"
      A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 : "+r"(x));
  }
  double t=now()-t0; return (double)iters*100/t/1e9;
}
typedef struct {long iters; double gflops; float sink;} arg_t;
static void* fma_worker(void*p){
  arg_t*a=(arg_t*)p; __m512 acc[12]; __m512 m=_mm512_set1_ps(0.999999f), c=_mm512_set1_ps(1e-7f);
  for(int k=0;k<12;k++) acc[k]=_mm512_set1_ps((float)k);
  double t0=now();
  __m512 a0=acc[0],a1=acc[1],a2=acc[2],a3=acc[3],a4=acc[4],a5=acc[5],a6=acc[6],a7=acc[7],a8=acc[8],a9=acc[9],a10=acc[10],a11=acc[11];
  for(long i=0;i<a->iters;i++){
    __asm__ volatile(
      "vfmadd213ps %[c],%[m],%[x0]\n\t" "vfmadd213ps %[c],%[m],%[x1]\n\t" "vfmadd213ps %[c],%[m],%[x2]\n\t"
      "vfmadd213ps %[c],%[m],%[x3]\n\t" "vfmadd213ps %[c],%[m],%[x4]\n\t" "vfmadd213ps %[c],%[m],%[x5]\n\t"
      "vfmadd213ps %[c],%[m],%[x6]\n\t" "vfmadd213ps %[c],%[m],%[x7]\n\t" "vfmadd213ps %[c],%[m],%[x8]\n\t"
      "vfmadd213ps %[c],%[m],%[x9]\n\t" "vfmadd213ps %[c],%[m],%[x10]\n\t" "vfmadd213ps %[c],%[m],%[x11]\n\t"
      : [x0]"+v"(a0),[x1]"+v"(a1),[x2]"+v"(a2),[x3]"+v"(a3),[x4]"+v"(a4),[x5]"+v"(a5),
        [x6]"+v"(a6),[x7]"+v"(a7),[x8]"+v"(a8),[x9]"+v"(a9),[x10]"+v"(a10),[x11]"+v"(a11)
      : [m]"v"(m),[c]"v"(c));
  }
  acc[0]=a0;acc[1]=a1;acc[2]=a2;acc[3]=a3;acc[4]=a4;acc[5]=a5;acc[6]=a6;acc[7]=a7;acc[8]=a8;acc[9]=a9;acc[10]=a10;acc[11]=a11;
  double t=now()-t0; float s=0; for(int k=0;k<12;k++){float v[16];_mm512_storeu_ps(v,acc[k]);s+=v[0];}
  a->sink=s; a->gflops=(double)a->iters*12*16*2/t/1e9; return 0;
}
int main(int argc,char**argv){
  int nt=argc>1?atoi(argv[1]):1; int reps=argc>2?atoi(argv[2]):5;
  for(int r=0;r<reps;r++){
    double ghz=clock_ghz();
    pthread_t th[64]; arg_t a[64];
    for(int i=0;i<nt;i++){a[i].iters=200000000;pthread_create(&th[i],0,fma_worker,&a[i]);}
    double tot=0; for(int i=0;i<nt;i++){pthread_join(th[i],0);tot+=a[i].gflops;}
    printf("ref peak fma_avx512 threads=%d rep=%d clock_ghz=%.3f gflops=%.2f flops_per_cycle_per_core=%.2f\n",nt,r,ghz,tot,tot/nt/ghz);
  }
  return 0;
}
