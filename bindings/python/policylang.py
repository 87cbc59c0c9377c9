"""PolicyLang's runtime in-process from Python, through the C library (include/policy_runtime.h).

    from policylang import Plan
    plan = Plan.from_file("enterprise.json")          # a compiled policy (`policyc compile`)
    decision = plan.decide({"user": {"id": "u-17", "role": "contractor"}, "model": "claude-3-haiku",
                            "feature": "ask_mode", "context_tokens": 900, "prompt": "hello"})
    decision["decision"]                              # "allow", "deny" or "require_approval"

The library is found at $POLICYLANG_LIBRARY, else as libpolicy_runtime.so on the loader's path.
A plan is thread-safe; decide() releases the GIL while deciding (ctypes does for every call).
"""
import ctypes
import json
import os
import threading

_lib = ctypes.CDLL(os.environ.get("POLICYLANG_LIBRARY", "libpolicy_runtime.so"))
_lib.policy_plan_create.restype = ctypes.c_void_p
_lib.policy_plan_create.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
_lib.policy_plan_decide_into.restype = ctypes.c_size_t
_lib.policy_plan_decide_into.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
_lib.policy_plan_free.argtypes = [ctypes.c_void_p]
_lib.policy_string_free.argtypes = [ctypes.c_void_p]
_lib.policy_runtime_version.restype = ctypes.c_char_p


class PolicyError(Exception):
    """The compiled policy could not be loaded."""


class Plan:
    """A planned policy: decide() any number of requests, from any thread. close() waits for the
    decisions in progress, then frees the plan; deciding after it raises PolicyError."""

    _plan = None

    def __init__(self, document: bytes):
        document = bytes(document)
        error = ctypes.c_void_p()
        plan = _lib.policy_plan_create(document, len(document), ctypes.byref(error))
        if not plan:
            message = ctypes.string_at(error.value).decode() if error.value else "unknown error"
            _lib.policy_string_free(error)
            raise PolicyError(message)
        self._plan = plan
        self._local = threading.local()  # a decision buffer per thread: the plan is shared, buffers are not
        self._state = threading.Condition()
        self._active = 0
        self._free = _lib.policy_plan_free  # kept: the module's globals may be gone when __del__ runs at exit

    @classmethod
    def from_file(cls, path: str) -> "Plan":
        with open(path, "rb") as file:
            return cls(file.read())

    def decide_json(self, request: bytes) -> bytes:
        """The decision for a request's JSON bytes, as JSON bytes (no parsing either way)."""
        request = bytes(request)
        with self._state:
            if not self._plan:
                raise PolicyError("the plan is closed")
            self._active += 1
            plan = self._plan
        try:
            buffer = getattr(self._local, "buffer", None) or ctypes.create_string_buffer(4096)
            needed = _lib.policy_plan_decide_into(plan, request, len(request), buffer, len(buffer))
            if needed >= len(buffer):
                buffer = ctypes.create_string_buffer(needed + 1)
                _lib.policy_plan_decide_into(plan, request, len(request), buffer, len(buffer))
            if len(buffer) <= 65536:
                self._local.buffer = buffer  # kept for the next decision; a larger one is not held
            return ctypes.string_at(buffer, needed)
        finally:
            with self._state:
                self._active -= 1
                self._state.notify_all()

    def decide(self, request) -> dict:
        """The decision for a request (a dict, or its JSON as str or bytes), as a dict."""
        if isinstance(request, dict):
            request = json.dumps(request, ensure_ascii=False)
        if isinstance(request, str):
            request = request.encode()
        return json.loads(self.decide_json(request))

    def close(self):
        """Frees the plan once no decision is in progress."""
        state = getattr(self, "_state", None)
        if state is None:
            return
        with state:
            plan, self._plan = self._plan, None
            while self._active:
                state.wait()
        if plan:
            self._free(plan)

    def __del__(self):
        self.close()


def version() -> str:
    return _lib.policy_runtime_version().decode()
