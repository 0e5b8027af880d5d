package dev.signet.keys.pkcs11;

import dev.signet.keys.KeyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * One token in one loaded module, shared by every key opened on it in this process: its login and
 * its pool of sessions. Reference-counted; the last {@link #release} closes the sessions (which
 * logs out), and the last token of a module finalises the module.
 *
 * <p>Why share: PKCS#11 login state belongs to the application and the token, not to a session, so
 * two keys on one token are logged in together whether we like it or not. Sharing makes that
 * explicit, and lets a second open check its PIN against the one the token was logged in with (a
 * salted hash kept in memory) instead of being waved through by CKR_USER_ALREADY_LOGGED_IN.
 *
 * <p>Sessions: one <em>anchor</em> session stays open for the token's life, so the login does not
 * end when signing sessions come and go; it also serves object lookups, under this object's lock.
 * Signing borrows a session from a pool (a PKCS#11 session runs one operation at a time), opening
 * new ones on demand up to {@link #MAX_SESSIONS}; a session that failed is closed, not reused.
 */
final class Token {
  static final int MAX_SESSIONS = 32;
  private static final int MAX_IDLE = 8;

  // ---- process-wide registry, guarded by Token.class ----

  /** Loaded modules are never unloaded; see {@link Cryptoki#load}. */
  private static final Map<Path, Cryptoki> LOADED = new HashMap<>();

  private static final Map<Path, Integer> MODULE_USERS = new HashMap<>();

  /** Modules this process initialised and must finalise; absent if someone else initialised it. */
  private static final Map<Path, Boolean> OWNS_INIT = new HashMap<>();

  private record Slot(Path module, long slot) {}

  private static final Map<Slot, Token> OPEN = new HashMap<>();

  // ---- one token ----

  private final Cryptoki ck;
  private final long slot;
  private final Slot key;
  private final String label;
  private int users = 1; // guarded by Token.class
  private final long anchor;
  private final ArrayDeque<Long> idle = new ArrayDeque<>(); // guarded by this
  private final Semaphore permits = new Semaphore(MAX_SESSIONS);
  private boolean closed; // guarded by this

  // The login: whether we logged in, and how to recognise the PIN we used. Guarded by this.
  private boolean loggedIn;
  private final byte[] salt = new byte[16];
  private byte @Nullable [] pinCheck;

  private Token(Cryptoki ck, long slot, Slot key, String label, long anchor) {
    this.ck = ck;
    this.slot = slot;
    this.key = key;
    this.label = label;
    this.anchor = anchor;
    new SecureRandom().nextBytes(salt);
  }

  Cryptoki cryptoki() {
    return ck;
  }

  String label() {
    return label;
  }

  /**
   * The token a reference names, loading and initialising its module if needed. Each call must be
   * paired with one {@link #release}.
   */
  static Token acquire(Pkcs11Uri uri) throws KeyException {
    synchronized (Token.class) {
      Path module = realModule(uri);
      Cryptoki ck = module(uri, module);
      boolean done = false;
      try {
        long slot = findSlot(ck, uri);
        Slot key = new Slot(module, slot);
        Token token = OPEN.get(key);
        if (token != null) {
          token.users++;
        } else {
          String label = ck.tokenInfo(slot).label();
          long anchor = ck.openSession(slot, false);
          token = new Token(ck, slot, key, label, anchor);
          OPEN.put(key, token);
        }
        done = true;
        return token;
      } catch (CkException e) {
        throw Failures.of(uri, e);
      } finally {
        if (!done) {
          releaseModule(module);
        }
      }
    }
  }

  /**
   * The module's real path: one library reached through a symbolic link and through its target must
   * be one module here, or releasing one would finalise it under the other.
   */
  private static Path realModule(Pkcs11Uri uri) throws KeyException {
    Path path = uri.module();
    if (!Files.isRegularFile(path)) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          uri.display()
              + ": PKCS#11 module "
              + path
              + " (from "
              + uri.moduleSource()
              + ") does not exist; install it or fix the path");
    }
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          uri.display() + ": PKCS#11 module " + path + " cannot be read");
    }
  }

  /** Loads (once) and initialises (when its user count goes up from zero) the module. */
  private static Cryptoki module(Pkcs11Uri uri, Path path) throws KeyException {
    Cryptoki ck = LOADED.get(path);
    if (ck == null) {
      try {
        ck = Cryptoki.load(path);
      } catch (Cryptoki.LoadException e) {
        throw new KeyException(
            KeyException.Reason.UNAVAILABLE,
            uri.display() + ": module " + uri.module() + " " + e.getMessage());
      }
      LOADED.put(path, ck);
    }
    int users = MODULE_USERS.getOrDefault(path, 0);
    if (users == 0) {
      try {
        OWNS_INIT.put(path, ck.initialize());
      } catch (CkException e) {
        throw new KeyException(
            KeyException.Reason.UNAVAILABLE,
            uri.display()
                + ": PKCS#11 module "
                + uri.module()
                + " failed to initialise ("
                + Cryptoki.name(e.rv())
                + ")");
      }
    }
    MODULE_USERS.put(path, users + 1);
    return ck;
  }

  private static void releaseModule(Path path) {
    int users = MODULE_USERS.getOrDefault(path, 0) - 1;
    if (users > 0) {
      MODULE_USERS.put(path, users);
      return;
    }
    MODULE_USERS.remove(path);
    Cryptoki ck = LOADED.get(path);
    if (Boolean.TRUE.equals(OWNS_INIT.remove(path)) && ck != null) {
      ck.finalizeModule();
    }
  }

  /** The one slot whose token matches the reference's token attributes. */
  private static long findSlot(Cryptoki ck, Pkcs11Uri uri) throws CkException, KeyException {
    List<String> present = new ArrayList<>();
    List<Long> matching = new ArrayList<>();
    for (long s : ck.slotsWithToken()) {
      Cryptoki.TokenInfo info;
      try {
        info = ck.tokenInfo(s);
      } catch (CkException e) {
        if (e.rv() == Cryptoki.CKR_TOKEN_NOT_PRESENT || e.rv() == Cryptoki.CKR_DEVICE_REMOVED) {
          continue; // removed since the slot list was read
        }
        throw e;
      }
      if (!info.has(Cryptoki.CKF_TOKEN_INITIALIZED)) {
        continue; // SoftHSM always offers one empty slot; no key can be there
      }
      present.add("\"" + info.label() + "\"");
      Long wanted = uri.slotId();
      if ((wanted == null || wanted == s) && uri.matches(info)) {
        matching.add(s);
      }
    }
    if (matching.isEmpty()) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          uri.display()
              + ": no token matches "
              + uri.tokenDescription()
              + (present.isEmpty()
                  ? " (the module sees no initialised token)"
                  : " (tokens present: " + String.join(", ", present) + ")"));
    }
    if (matching.size() > 1) {
      throw new KeyException(
          KeyException.Reason.AMBIGUOUS,
          uri.display()
              + ": "
              + matching.size()
              + " tokens match "
              + uri.tokenDescription()
              + "; add serial= or slot-id= to choose one");
    }
    return matching.getFirst();
  }

  /** Gives back what {@link #acquire} took; the last user closes sessions and the module. */
  void release() {
    synchronized (Token.class) {
      if (--users == 0) {
        OPEN.remove(key);
        synchronized (this) {
          closed = true;
          for (long s : idle) {
            ck.closeSession(s);
          }
          idle.clear();
        }
        ck.closeSession(anchor); // the last session: the token logs us out
      }
      releaseModule(key.module());
    }
  }

  // ---- login ----

  /**
   * Logs in as the normal user if the token wants a login, once per token. A later open of a key on
   * the same token must bring the same PIN; it is compared with the first in memory, so a wrong PIN
   * is refused without spending one of the token's tries.
   */
  synchronized void login(Pkcs11Uri uri) throws KeyException {
    Cryptoki.TokenInfo info;
    try {
      info = ck.tokenInfo(slot);
    } catch (CkException e) {
      throw Failures.of(uri, e);
    }
    if (!info.has(Cryptoki.CKF_LOGIN_REQUIRED)) {
      return;
    }
    byte[] pin = uri.pinBytes();
    try {
      if (loggedIn) {
        boolean same =
            pinCheck == null
                ? pin == null
                : pin != null && MessageDigest.isEqual(pinCheck, Jca.pinCheck(salt, pin));
        if (!same) {
          throw new KeyException(
              KeyException.Reason.DENIED,
              uri.display()
                  + ": wrong PIN ("
                  + uri.pinSource()
                  + " differs from the PIN this process logged in to the token with)");
        }
        return;
      }
      if (info.has(Cryptoki.CKF_USER_PIN_LOCKED)) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            uri.display()
                + ": the token's user PIN is locked (CKF_USER_PIN_LOCKED); the security officer"
                + " must unlock it");
      }
      if (!info.has(Cryptoki.CKF_USER_PIN_INITIALIZED)) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            uri.display() + ": the token has no user PIN yet (CKF_USER_PIN_INITIALIZED is unset)");
      }
      if (pin == null && !info.has(Cryptoki.CKF_PROTECTED_AUTHENTICATION_PATH)) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            uri.display()
                + ": the token needs a PIN: add pin-source=file:/path to the reference or set "
                + Pkcs11Uri.PIN_ENV);
      }
      try {
        ck.login(anchor, pin);
      } catch (CkException e) {
        throw loginFailure(uri, e);
      }
      loggedIn = true;
      pinCheck = pin == null ? null : Jca.pinCheck(salt, pin);
    } finally {
      if (pin != null) {
        Arrays.fill(pin, (byte) 0);
      }
    }
  }

  private KeyException loginFailure(Pkcs11Uri uri, CkException e) {
    long rv = e.rv();
    if (rv == Cryptoki.CKR_PIN_INCORRECT
        || rv == Cryptoki.CKR_PIN_INVALID
        || rv == Cryptoki.CKR_PIN_LEN_RANGE) {
      String finalTry = "";
      try {
        if (ck.tokenInfo(slot).has(Cryptoki.CKF_USER_PIN_FINAL_TRY)) {
          finalTry = "; the token says one more wrong PIN locks it";
        }
      } catch (CkException ignored) {
        // The warning is a courtesy; the refusal stands without it.
      }
      return new KeyException(
          KeyException.Reason.DENIED,
          uri.display()
              + ": wrong PIN ("
              + Cryptoki.name(rv)
              + " for "
              + uri.pinSource()
              + ")"
              + finalTry);
    }
    if (rv == Cryptoki.CKR_PIN_LOCKED) {
      return new KeyException(
          KeyException.Reason.DENIED,
          uri.display() + ": the token's user PIN is locked (CKR_PIN_LOCKED)");
    }
    if (rv == Cryptoki.CKR_PIN_EXPIRED) {
      return new KeyException(
          KeyException.Reason.DENIED,
          uri.display() + ": the token's user PIN has expired (CKR_PIN_EXPIRED); change it");
    }
    if (rv == Cryptoki.CKR_USER_ALREADY_LOGGED_IN) {
      // Someone else in this process (another PKCS#11 library user) logged in; we cannot tell
      // whether our PIN is right, so we do not proceed as if it were.
      return new KeyException(
          KeyException.Reason.DENIED,
          uri.display()
              + ": another component of this process is logged in to the token, so the PIN cannot"
              + " be checked");
    }
    return Failures.of(uri, e);
  }

  // ---- sessions ----

  /**
   * Runs a lookup on the anchor session. Lookups are rare (at open) and a PKCS#11 search holds
   * state in its session, hence the lock.
   */
  synchronized <T> T onAnchor(SessionWork<T> work) throws CkException, KeyException {
    if (closed) {
      throw new CkException(Cryptoki.CKR_SESSION_CLOSED, "C_OpenSession");
    }
    return work.run(anchor);
  }

  interface SessionWork<T> {
    T run(long session) throws CkException, KeyException;
  }

  /**
   * A session for one signing operation; give it back with {@link #giveBack} or {@link #discard}.
   */
  long borrow() throws CkException {
    permits.acquireUninterruptibly();
    synchronized (this) {
      if (closed) {
        permits.release();
        throw new CkException(Cryptoki.CKR_SESSION_CLOSED, "C_OpenSession");
      }
      Long s = idle.pollFirst();
      if (s != null) {
        return s;
      }
    }
    try {
      return ck.openSession(slot, false);
    } catch (CkException e) {
      permits.release();
      throw e;
    }
  }

  void giveBack(long session) {
    boolean pooled;
    synchronized (this) {
      pooled = !closed && idle.size() < MAX_IDLE;
      if (pooled) {
        idle.addFirst(session);
      }
    }
    if (!pooled) {
      ck.closeSession(session);
    }
    permits.release();
  }

  /** Closes a session whose last operation failed: its state is unknown, so it is not reused. */
  void discard(long session) {
    ck.closeSession(session);
    permits.release();
  }

  /** A read-write session for creating objects; close it with {@link Cryptoki#closeSession}. */
  long openReadWrite() throws CkException {
    return ck.openSession(slot, true);
  }

  /** For tests: how many modules this process has initialised and not yet finalised. */
  static int modulesInUse() {
    synchronized (Token.class) {
      return MODULE_USERS.size();
    }
  }
}
