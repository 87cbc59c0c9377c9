/*
 * The C library as a C program uses it (include/policy_runtime.h). Run by CLibraryTests:
 *   policy_runtime_test COMPILED.json REQUESTS.jsonl
 * prints the decision of each request line, one per line, on standard output (the test compares
 * them with `policyc eval`'s); checks the error path, the caller-owned buffer, NULL arguments and
 * 4 threads deciding with one plan at once; exits 1 with a message on any failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_runtime.h"

#define MAX_LINES 64
#define THREADS 4
#define ROUNDS 200

static char *lines[MAX_LINES];
static size_t lengths[MAX_LINES];
static char *expected[MAX_LINES];
static int line_count;
static policy_plan *plan;

static int fail(const char *message) {
    fprintf(stderr, "policy_runtime_test: %s\n", message);
    return 1;
}

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *bytes = malloc((size_t)size + 1);
    if (!bytes || fread(bytes, 1, (size_t)size, file) != (size_t)size) { fclose(file); free(bytes); return NULL; }
    fclose(file);
    bytes[size] = 0;
    *length = (size_t)size;
    return bytes;
}

static void *decide_many(void *unused) {
    (void)unused;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < line_count; i++) {
            char *decision = policy_plan_decide(plan, lines[i], lengths[i], NULL);
            if (!decision || strcmp(decision, expected[i]) != 0) return (void *)1;
            policy_string_free(decision);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) return fail("usage: policy_runtime_test COMPILED.json REQUESTS.jsonl");
    fprintf(stderr, "policy_runtime %s\n", policy_runtime_version());

    /* A document that is not a compiled policy: NULL and a message. */
    char *error = NULL;
    if (policy_plan_create("{\"schema_version\":99}", 21, &error) != NULL) return fail("a bad document was planned");
    if (!error || strlen(error) == 0) return fail("no message for a bad document");
    fprintf(stderr, "bad document: %s\n", error);
    policy_string_free(error);
    if (policy_plan_create(NULL, 0, NULL) != NULL) return fail("no document was planned");

    size_t document_length = 0;
    char *document = read_file(argv[1], &document_length);
    if (!document) return fail("cannot read the compiled policy");
    plan = policy_plan_create(document, document_length, &error);
    free(document);
    if (!plan) { fprintf(stderr, "%s\n", error); return fail("the compiled policy was not planned"); }

    size_t requests_length = 0;
    char *requests = read_file(argv[2], &requests_length);
    if (!requests) return fail("cannot read the requests");
    for (char *start = requests; *start && line_count < MAX_LINES;) {
        char *end = strchr(start, '\n');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        lines[line_count] = start;
        lengths[line_count] = length;
        line_count++;
        if (!end) break;
        start = end + 1;
    }

    for (int i = 0; i < line_count; i++) {
        size_t length = 0;
        expected[i] = policy_plan_decide(plan, lines[i], lengths[i], &length);
        if (!expected[i] || length != strlen(expected[i])) return fail("a decision's length is wrong");
        /* The caller's buffer: too small writes nothing and says how much is needed. */
        char small[8] = "unused";
        size_t needed = policy_plan_decide_into(plan, lines[i], lengths[i], small, sizeof small);
        if (needed != length || strcmp(small, "unused") != 0) return fail("a small buffer was written or the size is wrong");
        char *buffer = malloc(needed + 1);
        if (policy_plan_decide_into(plan, lines[i], lengths[i], buffer, needed + 1) != needed || strcmp(buffer, expected[i]) != 0)
            return fail("the caller's buffer holds another decision");
        free(buffer);
        printf("%s\n", expected[i]);
    }
    /* Bytes that are not a request are decided, not a crash; NULL plans are refused. */
    char *odd = policy_plan_decide(plan, "\xff\xfe{", 3, NULL);
    if (!odd || !strstr(odd, "\"invalid_request\"")) return fail("bytes that are not a request were not denied");
    policy_string_free(odd);
    odd = policy_plan_decide(plan, NULL, 0, NULL);
    if (!odd || !strstr(odd, "\"invalid_request\"")) return fail("no request was not denied");
    policy_string_free(odd);
    size_t null_length = 12345;
    if (policy_plan_decide(NULL, "{}", 2, &null_length) != NULL || null_length != 0) return fail("a NULL plan decided");
    char unset[8] = "XXXXXXX";
    if (policy_plan_decide_into(NULL, "{}", 2, unset, sizeof unset) != 0 || unset[0] != 0)
        return fail("a NULL plan's empty decision was not written as the empty string");
    /* A length no buffer has (a size_t above the signed range) is a request over the limit, not a read. */
    odd = policy_plan_decide(plan, "{}", (size_t)-1, NULL);
    if (!odd || !strstr(odd, "over the limit")) return fail("an impossible length was not refused");
    policy_string_free(odd);
    /* A capacity above the signed range is a buffer larger than any decision. */
    char *large = malloc(4096);
    if (policy_plan_decide_into(plan, lines[0], lengths[0], large, (size_t)-1) != strlen(expected[0]) || strcmp(large, expected[0]) != 0)
        return fail("a huge capacity was not written");
    free(large);

    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, decide_many, NULL);
    for (int i = 0; i < THREADS; i++) {
        void *result = NULL;
        pthread_join(threads[i], &result);
        if (result) return fail("a thread got another decision");
    }
    for (int i = 0; i < line_count; i++) policy_string_free(expected[i]);
    policy_plan_free(plan);
    policy_plan_free(NULL);
    policy_string_free(NULL);
    free(requests);
    return 0;
}
