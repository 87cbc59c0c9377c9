/*
 * policy_runtime.h: PolicyLang's runtime for in-process use from C and any language with a C
 * foreign-function interface (Python ctypes, Go cgo, Rust, Node N-API, …). Link with
 * -lpolicy_runtime (libpolicy_runtime.so, built by `swift build -c release --product policy_runtime`).
 *
 * A plan is made once from a compiled policy document (`policyc compile`) and decides requests
 * (the JSON request format, docs/runtime.md) into decisions (the JSON `policyc eval` writes),
 * in microseconds. A plan is immutable: any number of threads may decide with one plan at once.
 * Every function is safe to call with any bytes: a request that cannot be read is decided
 * (`deny`, reason `invalid_request`), never a crash. docs/embedding.md says more.
 */
#ifndef POLICY_RUNTIME_H
#define POLICY_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A planned policy. Opaque; made by policy_plan_create, released by policy_plan_free. */
typedef struct policy_plan policy_plan;

/*
 * Plans the compiled policy document in `document` (`length` bytes of JSON).
 * Returns the plan, or NULL when the document cannot be loaded (not JSON, an unknown schema
 * version, a digest that does not match, a reference that does not resolve); then, when `error`
 * is not NULL, *error is set to a message (NUL-terminated UTF-8) the caller frees with
 * policy_string_free.
 */
policy_plan *policy_plan_create(const char *document, size_t length, char **error);

/*
 * Decides the request in `request` (`length` bytes of JSON). Returns the decision as
 * NUL-terminated UTF-8 JSON (one line, no line feed), which the caller frees with
 * policy_string_free; *decision_length, when not NULL, is set to its length without the NUL.
 * Returns NULL (and a length of 0) only when `plan` is NULL. Memory exhausted inside the runtime
 * ends the process, as it does any Swift program; it is not reported.
 */
char *policy_plan_decide(const policy_plan *plan, const char *request, size_t length, size_t *decision_length);

/*
 * Decides into a buffer the caller owns: writes the decision and a NUL into `buffer` when it
 * has room (`capacity` bytes, the NUL included). Returns the decision's length without the NUL
 * either way: a result >= capacity means nothing was written and the call should be repeated
 * with a buffer of at least result + 1 bytes. No allocation is handed to the caller. A NULL plan
 * decides nothing: the empty string (0, and a NUL written when capacity > 0).
 */
size_t policy_plan_decide_into(const policy_plan *plan, const char *request, size_t length, char *buffer, size_t capacity);

/* Releases a plan. NULL is allowed. Deciding with a released plan is undefined. */
void policy_plan_free(policy_plan *plan);

/* Releases a string this library returned. NULL is allowed. */
void policy_string_free(char *text);

/* The library's version and the compiled schema version it reads, e.g. "0.1.0 (schema 5)". Static; do not free. */
const char *policy_runtime_version(void);

#ifdef __cplusplus
}
#endif

#endif /* POLICY_RUNTIME_H */
