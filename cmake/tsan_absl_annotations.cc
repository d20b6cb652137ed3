// ThreadSanitizer annotations for Debian's abseil (linked into every executable by
// cmake/fuzz.cmake when -DSTRATA_SANITIZE=thread; see docs/reliability.md).
//
// Why: libabsl_synchronization.so is not built with -fsanitize=thread, so TSan never sees
// absl::Mutex::Lock/Unlock synchronise anything (they are atomics and futexes inside an
// uninstrumented library), and it reports every field guarded by an absl::Mutex as a data race.
//
// How: this file defines the out-of-line members of absl::Mutex, absl::CondVar and
// absl::Notification that Strata calls. A definition in the executable takes precedence over the
// shared library's (ELF interposition; the library's own internal calls also go through its
// PLT), so every call lands here. Each definition tells TSan what happens (the
// __tsan_mutex_* annotations abseil itself uses when it is built with TSan) and calls the real
// function, found with dlsym(RTLD_NEXT). Between pre_* and post_* TSan ignores memory accesses,
// which covers Condition functions that abseil evaluates inside Unlock/Await on any thread.
//
// STRATA_TSAN_ABSL_ANNOTATIONS=0 in the environment turns the annotations off (the calls are
// still forwarded), to see what TSan reports without them.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRATA_TSAN 1
#endif
#endif

#ifdef STRATA_TSAN

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#define STRATA_STR2(x) #x
#define STRATA_STR(x) STRATA_STR2(x)

namespace {

bool Enabled() {
  static const bool enabled = [] {
    const char* e = std::getenv("STRATA_TSAN_ABSL_ANNOTATIONS");
    return e == nullptr || std::strcmp(e, "0") != 0;
  }();
  return enabled;
}

// The real function `mangled_tail` of abseil's inline namespace, e.g. "5Mutex4LockEv" for
// absl::<ns>::Mutex::Lock(). `konst` for const members.
void* Real(const char* mangled_tail, bool konst = false) {
  const std::string ns = STRATA_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name =
      std::string(konst ? "_ZNK4absl" : "_ZN4absl") + std::to_string(ns.size()) + ns + mangled_tail;
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_annotations: %s not found: %s\n", name.c_str(), dlerror());
    std::abort();
  }
  return f;
}

template <typename Fn>
Fn RealFn(const char* mangled_tail, bool konst = false) {
  return reinterpret_cast<Fn>(Real(mangled_tail, konst));
}

constexpr unsigned kRead = __tsan_mutex_read_lock;
constexpr unsigned kTry = __tsan_mutex_try_lock;
constexpr unsigned kTryFailed = __tsan_mutex_try_lock_failed;

// The two halves of each annotation (what abseil calls around its own lock operations); no-ops
// when switched off.
void PreLock(void* mu, unsigned flags) {
  if (Enabled()) __tsan_mutex_pre_lock(mu, flags);
}
void PostLock(void* mu, unsigned flags) {
  if (Enabled()) __tsan_mutex_post_lock(mu, flags, 0);
}
void PreUnlock(void* mu, unsigned flags) {
  if (Enabled()) __tsan_mutex_pre_unlock(mu, flags);
}
void PostUnlock(void* mu, unsigned flags) {
  if (Enabled()) __tsan_mutex_post_unlock(mu, flags);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

using MutexFn = void (*)(Mutex*);
using MutexTryFn = bool (*)(Mutex*);
using MutexCondFn = void (*)(Mutex*, const Condition&);
using MutexCondTimeoutFn = bool (*)(Mutex*, const Condition&, Duration);

// The destructor is out of line too; TSan must forget the mutex before its memory is reused
// (the constexpr constructor, inline, already announces each new one).
Mutex::~Mutex() {
  static const auto real = RealFn<MutexFn>("5MutexD2Ev");
  if (Enabled()) __tsan_mutex_destroy(this, __tsan_mutex_not_static);
  real(this);
}

void Mutex::Lock() {
  static const auto real = RealFn<MutexFn>("5Mutex4LockEv");
  PreLock(this, 0);
  real(this);
  PostLock(this, 0);
}

void Mutex::Unlock() {
  static const auto real = RealFn<MutexFn>("5Mutex6UnlockEv");
  PreUnlock(this, 0);
  real(this);
  PostUnlock(this, 0);
}

bool Mutex::TryLock() {
  static const auto real = RealFn<MutexTryFn>("5Mutex7TryLockEv");
  PreLock(this, kTry);
  const bool ok = real(this);
  PostLock(this, kTry | (ok ? 0 : kTryFailed));
  return ok;
}

void Mutex::ReaderLock() {
  static const auto real = RealFn<MutexFn>("5Mutex10ReaderLockEv");
  PreLock(this, kRead);
  real(this);
  PostLock(this, kRead);
}

void Mutex::ReaderUnlock() {
  static const auto real = RealFn<MutexFn>("5Mutex12ReaderUnlockEv");
  PreUnlock(this, kRead);
  real(this);
  PostUnlock(this, kRead);
}

bool Mutex::ReaderTryLock() {
  static const auto real = RealFn<MutexTryFn>("5Mutex13ReaderTryLockEv");
  PreLock(this, kRead | kTry);
  const bool ok = real(this);
  PostLock(this, kRead | kTry | (ok ? 0 : kTryFailed));
  return ok;
}

void Mutex::LockWhen(const Condition& cond) {
  static const auto real = RealFn<MutexCondFn>("5Mutex8LockWhenERKNS0_9ConditionE");
  PreLock(this, 0);
  real(this, cond);
  PostLock(this, 0);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static const auto real = RealFn<MutexCondFn>("5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  PreLock(this, kRead);
  real(this, cond);
  PostLock(this, kRead);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  static const auto real =
      RealFn<MutexCondTimeoutFn>("5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  PreLock(this, 0);
  const bool ok = real(this, cond, timeout);
  PostLock(this, 0);  // held either way
  return ok;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  static const auto real = RealFn<MutexCondTimeoutFn>(
      "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  PreLock(this, kRead);
  const bool ok = real(this, cond, timeout);
  PostLock(this, kRead);
  return ok;
}

// Await releases the mutex while it waits and holds it again on return: an unlock and a lock,
// with the real call (which evaluates `cond` on this thread) inside the ignored region. Assumes the
// mutex is held exclusively, as by every caller in Strata.
void Mutex::Await(const Condition& cond) {
  static const auto real = RealFn<MutexCondFn>("5Mutex5AwaitERKNS0_9ConditionE");
  PreUnlock(this, 0);
  real(this, cond);
  PostUnlock(this, 0);
  PreLock(this, 0);
  PostLock(this, 0);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  static const auto real =
      RealFn<MutexCondTimeoutFn>("5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  PreUnlock(this, 0);
  const bool ok = real(this, cond, timeout);
  PostUnlock(this, 0);
  PreLock(this, 0);
  PostLock(this, 0);
  return ok;
}

void CondVar::Wait(Mutex* mu) {
  static const auto real = RealFn<void (*)(CondVar*, Mutex*)>("7CondVar4WaitEPNS0_5MutexE");
  PreUnlock(mu, 0);
  real(this, mu);
  PostUnlock(mu, 0);
  PreLock(mu, 0);
  PostLock(mu, 0);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  static const auto real = RealFn<bool (*)(CondVar*, Mutex*, Duration)>(
      "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  PreUnlock(mu, 0);
  const bool timed_out = real(this, mu, timeout);
  PostUnlock(mu, 0);
  PreLock(mu, 0);
  PostLock(mu, 0);
  return timed_out;
}

// Notify sets an atomic that the inline HasBeenNotified() reads with acquire: publish this
// thread's history on that atomic's address (and on the object, for the waits below).
// notified_yet_ is the member right after mutex_ (notification.h).
namespace {
const void* NotifiedYet(const Notification* n) {
  static_assert(sizeof(Notification) >= sizeof(Mutex) + sizeof(std::atomic<bool>));
  return reinterpret_cast<const char*>(n) + sizeof(Mutex);
}
}  // namespace

void Notification::Notify() {
  static const auto real = RealFn<void (*)(Notification*)>("12Notification6NotifyEv");
  if (Enabled()) {
    __tsan_release(const_cast<void*>(NotifiedYet(this)));
    __tsan_release(this);
  }
  real(this);
}

void Notification::WaitForNotification() const {
  static const auto real =
      RealFn<void (*)(const Notification*)>("12Notification19WaitForNotificationEv", true);
  real(this);
  if (Enabled()) __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  static const auto real = RealFn<bool (*)(const Notification*, Duration)>(
      "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE", true);
  const bool notified = real(this, timeout);
  if (notified && Enabled()) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl

#endif  // STRATA_TSAN
