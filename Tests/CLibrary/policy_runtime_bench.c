/* Decisions per second through the C API, JSON in and out: plans a compiled policy once, then
 * decides every line of a JSON Lines request file with policy_plan_decide_into into one reused
 * buffer, for a number of rounds, and prints the median microseconds per decision.
 *
 *   cc -O2 -Iinclude Tests/CLibrary/policy_runtime_bench.c -L.build/release -lpolicy_runtime -o .build/c-bench
 *   LD_LIBRARY_PATH=.build/release .build/c-bench POLICY.json REQUESTS.jsonl [ROUNDS]
 */
#define _POSIX_C_SOURCE 199309L
#include "policy_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); exit(2); }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *bytes = malloc((size_t)size + 1);
    if (!bytes || fread(bytes, 1, (size_t)size, file) != (size_t)size) { fprintf(stderr, "%s: cannot read\n", path); exit(2); }
    fclose(file);
    bytes[size] = 0;
    *length = (size_t)size;
    return bytes;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s POLICY.json REQUESTS.jsonl [ROUNDS]\n", argv[0]); return 2; }
    int rounds = argc > 3 ? atoi(argv[3]) : 7;
    if (rounds < 1 || rounds > 1000) { fprintf(stderr, "ROUNDS must be from 1 to 1000\n"); return 2; }
    size_t document_length, requests_length;
    char *document = read_file(argv[1], &document_length);
    char *requests = read_file(argv[2], &requests_length);
    char *error = NULL;
    policy_plan *plan = policy_plan_create(document, document_length, &error);
    if (!plan) { fprintf(stderr, "%s\n", error ? error : "cannot plan"); return 1; }
    size_t capacity = 1 << 20;
    char *buffer = malloc(capacity);
    double *samples = malloc(sizeof(double) * (size_t)rounds);
    size_t decisions = 0;
    for (int round = 0; round < rounds; round++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        size_t count = 0;
        for (char *line = requests; line < requests + requests_length;) {
            char *newline = memchr(line, '\n', (size_t)(requests + requests_length - line));
            size_t length = (size_t)((newline ? newline : requests + requests_length) - line);
            if (length > 0) {
                size_t written = policy_plan_decide_into(plan, line, length, buffer, capacity);
                if (written == 0 || written >= capacity) { fprintf(stderr, "a decision did not fit\n"); return 1; }
                count++;
            }
            line += length + 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
        samples[round] = seconds * 1e6 / (double)count;
        decisions = count;
    }
    qsort(samples, (size_t)rounds, sizeof(double), compare);
    printf("C API, policy_plan_decide_into: %zu requests x %d rounds, median %.2f us per decision (min %.2f)\n",
           decisions, rounds, samples[rounds / 2], samples[0]);
    policy_plan_free(plan);
    free(samples);
    free(buffer);
    free(document);
    free(requests);
    return 0;
}
