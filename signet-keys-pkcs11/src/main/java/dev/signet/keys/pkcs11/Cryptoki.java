package dev.signet.keys.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The PKCS#11 (Cryptoki 2.40) calls Signet makes, made directly through the FFM API. All native
 * code of this module lives in this class; everything above it sees Java values and {@link
 * CkException}.
 *
 * <p>Why FFM rather than the JDK's SunPKCS11 provider: SunPKCS11 has no EdDSA at all, its KeyStore
 * ignores private keys that have no certificate beside them (most HSM keys), it cannot sign a
 * precomputed RSA-PSS digest, it selects tokens only by slot number, and it reports PKCS#11 return
 * codes only inside an unexported exception class. The dozen calls below do all of that plainly.
 *
 * <p>Platform: CK_ULONG is C {@code unsigned long}, 8 bytes on 64-bit Linux and macOS (LP64); the
 * structures are naturally aligned there. Windows packs PKCS#11 structures to 1 byte and has a
 * 4-byte {@code long}, so {@link #load} refuses it rather than misread memory.
 *
 * <p>Thread safety: the module is initialised with {@code CKF_OS_LOCKING_OK}, so calls may come
 * from any thread; a session must be used by one thread at a time (callers pool sessions).
 *
 * <p>The FFM calls here are restricted methods (they can crash the JVM if given wrong layouts);
 * this class is the one place that makes them, hence the suppression. Run with {@code
 * --enable-native-access=ALL-UNNAMED}.
 */
@SuppressWarnings("restricted")
final class Cryptoki {

  // ---- return values (pkcs11t.h) ----
  static final long CKR_OK = 0x0;
  static final long CKR_GENERAL_ERROR = 0x5;
  static final long CKR_ATTRIBUTE_SENSITIVE = 0x11;
  static final long CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
  static final long CKR_ENCRYPTED_DATA_INVALID = 0x40;
  static final long CKR_ENCRYPTED_DATA_LEN_RANGE = 0x41;
  static final long CKR_DEVICE_ERROR = 0x30;
  static final long CKR_DEVICE_MEMORY = 0x31;
  static final long CKR_DEVICE_REMOVED = 0x32;
  static final long CKR_FUNCTION_NOT_SUPPORTED = 0x54;
  static final long CKR_KEY_HANDLE_INVALID = 0x60;
  static final long CKR_KEY_TYPE_INCONSISTENT = 0x63;
  static final long CKR_KEY_FUNCTION_NOT_PERMITTED = 0x68;
  static final long CKR_MECHANISM_INVALID = 0x70;
  static final long CKR_MECHANISM_PARAM_INVALID = 0x71;
  static final long CKR_OBJECT_HANDLE_INVALID = 0x82;
  static final long CKR_PIN_INCORRECT = 0xa0;
  static final long CKR_PIN_INVALID = 0xa1;
  static final long CKR_PIN_LEN_RANGE = 0xa2;
  static final long CKR_PIN_EXPIRED = 0xa3;
  static final long CKR_PIN_LOCKED = 0xa4;
  static final long CKR_SESSION_CLOSED = 0xb0;
  static final long CKR_SESSION_COUNT = 0xb1;
  static final long CKR_SESSION_HANDLE_INVALID = 0xb3;
  static final long CKR_TOKEN_NOT_PRESENT = 0xe0;
  static final long CKR_TOKEN_NOT_RECOGNIZED = 0xe1;
  static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;
  static final long CKR_USER_NOT_LOGGED_IN = 0x101;
  static final long CKR_USER_PIN_NOT_INITIALIZED = 0x102;
  static final long CKR_BUFFER_TOO_SMALL = 0x150;
  static final long CKR_CRYPTOKI_NOT_INITIALIZED = 0x190;
  static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
  static final long CKR_SLOT_ID_INVALID = 0x3;

  /** Names for the return values a message may mention; others print as hex. */
  private static final Map<Long, String> NAMES =
      Map.ofEntries(
          Map.entry(CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"),
          Map.entry(CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"),
          Map.entry(CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"),
          Map.entry(CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"),
          Map.entry(CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"),
          Map.entry(CKR_ENCRYPTED_DATA_INVALID, "CKR_ENCRYPTED_DATA_INVALID"),
          Map.entry(CKR_ENCRYPTED_DATA_LEN_RANGE, "CKR_ENCRYPTED_DATA_LEN_RANGE"),
          Map.entry(CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"),
          Map.entry(CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"),
          Map.entry(CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"),
          Map.entry(CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"),
          Map.entry(CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"),
          Map.entry(CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"),
          Map.entry(CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"),
          Map.entry(CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"),
          Map.entry(CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"),
          Map.entry(CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"),
          Map.entry(CKR_PIN_INVALID, "CKR_PIN_INVALID"),
          Map.entry(CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"),
          Map.entry(CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"),
          Map.entry(CKR_PIN_LOCKED, "CKR_PIN_LOCKED"),
          Map.entry(CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"),
          Map.entry(CKR_SESSION_COUNT, "CKR_SESSION_COUNT"),
          Map.entry(CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"),
          Map.entry(CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"),
          Map.entry(CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"),
          Map.entry(CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"),
          Map.entry(CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"),
          Map.entry(CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"),
          Map.entry(CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"),
          Map.entry(CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"),
          Map.entry(CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"));

  static String name(long rv) {
    String n = NAMES.get(rv);
    return n != null ? n : "CKR_0x" + Long.toHexString(rv);
  }

  // ---- attributes, classes, key types, mechanisms ----
  static final long CKA_CLASS = 0x0;
  static final long CKA_TOKEN = 0x1;
  static final long CKA_PRIVATE = 0x2;
  static final long CKA_LABEL = 0x3;
  static final long CKA_KEY_TYPE = 0x100;
  static final long CKA_ID = 0x102;
  static final long CKA_SENSITIVE = 0x103;
  static final long CKA_ENCRYPT = 0x104;
  static final long CKA_DECRYPT = 0x105;
  static final long CKA_VALUE_LEN = 0x161;
  static final long CKA_NEVER_EXTRACTABLE = 0x164;
  static final long CKA_SIGN = 0x108;
  static final long CKA_VERIFY = 0x10a;
  static final long CKA_MODULUS = 0x120;
  static final long CKA_MODULUS_BITS = 0x121;
  static final long CKA_PUBLIC_EXPONENT = 0x122;
  static final long CKA_EXTRACTABLE = 0x162;
  static final long CKA_EC_PARAMS = 0x180;
  static final long CKA_EC_POINT = 0x181;
  static final long CKA_ALWAYS_AUTHENTICATE = 0x202;

  static final long CKO_PUBLIC_KEY = 2;
  static final long CKO_PRIVATE_KEY = 3;
  static final long CKO_SECRET_KEY = 4;

  static final long CKK_RSA = 0x0;
  static final long CKK_EC = 0x3;
  static final long CKK_EC_EDWARDS = 0x40;
  static final long CKK_AES = 0x1f;

  static final long CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
  static final long CKM_RSA_PKCS_PSS = 0xd;
  static final long CKM_SHA256 = 0x250;
  static final long CKM_SHA384 = 0x260;
  static final long CKM_SHA512 = 0x270;
  static final long CKG_MGF1_SHA256 = 0x2;
  static final long CKG_MGF1_SHA384 = 0x3;
  static final long CKG_MGF1_SHA512 = 0x4;
  static final long CKM_EC_KEY_PAIR_GEN = 0x1040;
  static final long CKM_ECDSA = 0x1041;
  static final long CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
  static final long CKM_EDDSA = 0x1057;
  static final long CKM_AES_KEY_GEN = 0x1080;
  static final long CKM_AES_GCM = 0x1087;

  static final long CKU_USER = 1;
  static final long CKF_RW_SESSION = 0x2;
  static final long CKF_SERIAL_SESSION = 0x4;
  static final long CKF_OS_LOCKING_OK = 0x2;

  // Token flags (CK_TOKEN_INFO.flags).
  static final long CKF_LOGIN_REQUIRED = 0x4;
  static final long CKF_USER_PIN_INITIALIZED = 0x8;
  static final long CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
  static final long CKF_TOKEN_INITIALIZED = 0x400;
  static final long CKF_USER_PIN_FINAL_TRY = 0x20000;
  static final long CKF_USER_PIN_LOCKED = 0x40000;

  /** CK_UNAVAILABLE_INFORMATION: (CK_ULONG) -1. */
  private static final long UNAVAILABLE = -1L;

  // ---- layouts ----
  private static final AddressLayout POINTER = ADDRESS;

  /** CK_ATTRIBUTE { CK_ATTRIBUTE_TYPE type; void *pValue; CK_ULONG ulValueLen; } — 24 bytes. */
  private static final StructLayout CK_ATTRIBUTE =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("type"), POINTER.withName("pValue"), JAVA_LONG.withName("ulValueLen"));

  /** CK_MECHANISM { CK_MECHANISM_TYPE mechanism; void *pParameter; CK_ULONG ulParameterLen; }. */
  private static final StructLayout CK_MECHANISM =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("mechanism"),
          POINTER.withName("pParameter"),
          JAVA_LONG.withName("ulParameterLen"));

  /** CK_C_INITIALIZE_ARGS: four mutex callbacks (null: use the OS's), flags, pReserved. */
  private static final StructLayout CK_C_INITIALIZE_ARGS =
      MemoryLayout.structLayout(
          POINTER.withName("CreateMutex"),
          POINTER.withName("DestroyMutex"),
          POINTER.withName("LockMutex"),
          POINTER.withName("UnlockMutex"),
          JAVA_LONG.withName("flags"),
          POINTER.withName("pReserved"));

  /**
   * CK_TOKEN_INFO: four blank-padded character fields (label 32, manufacturerID 32, model 16,
   * serialNumber 16), flags and ten counters (CK_ULONG), two CK_VERSIONs and utcTime[16]; 204 bytes
   * of fields, padded to 208 for the 8-byte alignment of CK_ULONG.
   */
  private static final StructLayout CK_TOKEN_INFO =
      MemoryLayout.structLayout(
          MemoryLayout.sequenceLayout(32, JAVA_BYTE).withName("label"),
          MemoryLayout.sequenceLayout(32, JAVA_BYTE).withName("manufacturerID"),
          MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("model"),
          MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("serialNumber"),
          JAVA_LONG.withName("flags"),
          MemoryLayout.sequenceLayout(10, JAVA_LONG).withName("counters"),
          MemoryLayout.sequenceLayout(2, JAVA_BYTE).withName("hardwareVersion"),
          MemoryLayout.sequenceLayout(2, JAVA_BYTE).withName("firmwareVersion"),
          MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("utcTime"),
          MemoryLayout.paddingLayout(4));

  /**
   * Indices into CK_FUNCTION_LIST after its CK_VERSION (pkcs11f.h order, unchanged since 2.01). The
   * version is 2 bytes; the first function pointer is at offset 8 because pointers are 8-aligned.
   */
  private static final int F_INITIALIZE = 0;

  private static final int F_FINALIZE = 1;
  private static final int F_GET_SLOT_LIST = 4;
  private static final int F_GET_TOKEN_INFO = 6;
  private static final int F_OPEN_SESSION = 12;
  private static final int F_CLOSE_SESSION = 13;
  private static final int F_LOGIN = 18;
  private static final int F_GET_ATTRIBUTE_VALUE = 24;
  private static final int F_FIND_OBJECTS_INIT = 26;
  private static final int F_FIND_OBJECTS = 27;
  private static final int F_FIND_OBJECTS_FINAL = 28;
  private static final int F_ENCRYPT_INIT = 29;
  private static final int F_ENCRYPT = 30;
  private static final int F_DECRYPT_INIT = 33;
  private static final int F_DECRYPT = 34;
  private static final int F_SIGN_INIT = 42;
  private static final int F_SIGN = 43;
  private static final int F_GENERATE_KEY = 58;
  private static final int F_GENERATE_KEY_PAIR = 59;
  private static final int FUNCTION_COUNT = 68; // through C_WaitForSlotEvent

  private static final Linker LINKER = Linker.nativeLinker();

  private final MethodHandle cInitialize;
  private final MethodHandle cFinalize;
  private final MethodHandle cGetSlotList;
  private final MethodHandle cGetTokenInfo;
  private final MethodHandle cOpenSession;
  private final MethodHandle cCloseSession;
  private final MethodHandle cLogin;
  private final MethodHandle cGetAttributeValue;
  private final MethodHandle cFindObjectsInit;
  private final MethodHandle cFindObjects;
  private final MethodHandle cFindObjectsFinal;
  private final MethodHandle cSignInit;
  private final MethodHandle cSign;
  private final @Nullable MethodHandle cGenerateKeyPair;
  // Optional: only a wrapping key (the signing service's master key) needs them.
  private final @Nullable MethodHandle cGenerateKey;
  private final @Nullable MethodHandle cEncryptInit;
  private final @Nullable MethodHandle cEncrypt;
  private final @Nullable MethodHandle cDecryptInit;
  private final @Nullable MethodHandle cDecrypt;

  private Cryptoki(MemorySegment functionList) throws LoadException {
    MemorySegment list = functionList.reinterpret(8L + 8L * FUNCTION_COUNT);
    cInitialize = required(list, F_INITIALIZE, "C_Initialize", POINTER);
    cFinalize = required(list, F_FINALIZE, "C_Finalize", POINTER);
    cGetSlotList = required(list, F_GET_SLOT_LIST, "C_GetSlotList", JAVA_BYTE, POINTER, POINTER);
    cGetTokenInfo = required(list, F_GET_TOKEN_INFO, "C_GetTokenInfo", JAVA_LONG, POINTER);
    cOpenSession =
        required(
            list, F_OPEN_SESSION, "C_OpenSession", JAVA_LONG, JAVA_LONG, POINTER, POINTER, POINTER);
    cCloseSession = required(list, F_CLOSE_SESSION, "C_CloseSession", JAVA_LONG);
    cLogin = required(list, F_LOGIN, "C_Login", JAVA_LONG, JAVA_LONG, POINTER, JAVA_LONG);
    cGetAttributeValue =
        required(
            list,
            F_GET_ATTRIBUTE_VALUE,
            "C_GetAttributeValue",
            JAVA_LONG,
            JAVA_LONG,
            POINTER,
            JAVA_LONG);
    cFindObjectsInit =
        required(list, F_FIND_OBJECTS_INIT, "C_FindObjectsInit", JAVA_LONG, POINTER, JAVA_LONG);
    cFindObjects =
        required(list, F_FIND_OBJECTS, "C_FindObjects", JAVA_LONG, POINTER, JAVA_LONG, POINTER);
    cFindObjectsFinal = required(list, F_FIND_OBJECTS_FINAL, "C_FindObjectsFinal", JAVA_LONG);
    cSignInit = required(list, F_SIGN_INIT, "C_SignInit", JAVA_LONG, POINTER, JAVA_LONG);
    cSign = required(list, F_SIGN, "C_Sign", JAVA_LONG, POINTER, JAVA_LONG, POINTER, POINTER);
    cGenerateKeyPair =
        handle(
            list,
            F_GENERATE_KEY_PAIR,
            JAVA_LONG,
            POINTER,
            POINTER,
            JAVA_LONG,
            POINTER,
            JAVA_LONG,
            POINTER,
            POINTER);
    cGenerateKey = handle(list, F_GENERATE_KEY, JAVA_LONG, POINTER, POINTER, JAVA_LONG, POINTER);
    cEncryptInit = handle(list, F_ENCRYPT_INIT, JAVA_LONG, POINTER, JAVA_LONG);
    cEncrypt = handle(list, F_ENCRYPT, JAVA_LONG, POINTER, JAVA_LONG, POINTER, POINTER);
    cDecryptInit = handle(list, F_DECRYPT_INIT, JAVA_LONG, POINTER, JAVA_LONG);
    cDecrypt = handle(list, F_DECRYPT, JAVA_LONG, POINTER, JAVA_LONG, POINTER, POINTER);
  }

  private static MethodHandle required(
      MemorySegment list, int index, String name, MemoryLayout... args) throws LoadException {
    MethodHandle h = handle(list, index, args);
    if (h == null) {
      throw new LoadException("lacks " + name + ", which signing needs");
    }
    return h;
  }

  /** A downcall handle for function {@code index}, or null when the module leaves it empty. */
  private static @Nullable MethodHandle handle(
      MemorySegment list, int index, MemoryLayout... args) {
    MemorySegment fn = list.get(POINTER, 8L + 8L * index);
    if (fn.equals(MemorySegment.NULL)) {
      return null;
    }
    return LINKER.downcallHandle(fn, FunctionDescriptor.of(JAVA_LONG, args));
  }

  /** Why a module cannot be used at all; the caller names the module in its message. */
  static final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;

    LoadException(String message) {
      super(message);
    }
  }

  /**
   * Loads a PKCS#11 module and reads its function list. The library stays mapped for the life of
   * the JVM (global arena): unmapping code that other threads or the module's own atexit handlers
   * may still reach is not safe, and a process loads only a few modules.
   */
  static Cryptoki load(Path library) throws LoadException {
    MemoryLayout cLong = LINKER.canonicalLayouts().get("long");
    if (cLong == null
        || cLong.byteSize() != 8
        || System.getProperty("os.name", "").startsWith("Windows")) {
      throw new LoadException(
          "PKCS#11 through FFM needs a 64-bit Linux or macOS JVM (CK_ULONG of 8 bytes, unpacked"
              + " structures)");
    }
    SymbolLookup lookup;
    try {
      lookup = SymbolLookup.libraryLookup(library, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new LoadException("cannot be loaded as a shared library");
    }
    MemorySegment getFunctionList =
        lookup
            .find("C_GetFunctionList")
            .orElseThrow(() -> new LoadException("is not a PKCS#11 module (no C_GetFunctionList)"));
    MethodHandle h =
        LINKER.downcallHandle(getFunctionList, FunctionDescriptor.of(JAVA_LONG, POINTER));
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(POINTER);
      long rv = (long) h.invokeExact(out);
      MemorySegment list = out.get(POINTER, 0);
      if (rv != CKR_OK || list.equals(MemorySegment.NULL)) {
        throw new LoadException("C_GetFunctionList failed: " + name(rv));
      }
      int major = list.reinterpret(2).get(JAVA_BYTE, 0);
      if (major != 2 && major != 3) {
        throw new LoadException("reports Cryptoki version " + major + ".x; expected 2.x or 3.x");
      }
      return new Cryptoki(list);
    } catch (LoadException e) {
      throw e;
    } catch (Throwable t) {
      throw new LoadException("C_GetFunctionList failed: " + t.getClass().getSimpleName());
    }
  }

  // ---- calls ----

  /**
   * C_Initialize with OS locking, so the module may be called from several threads. Returns false
   * when the module was already initialised by someone else in this process.
   */
  boolean initialize() throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment args = a.allocate(CK_C_INITIALIZE_ARGS);
      args.set(
          JAVA_LONG, CK_C_INITIALIZE_ARGS.byteOffset(groupElement("flags")), CKF_OS_LOCKING_OK);
      long rv = invoke(cInitialize, "C_Initialize", args);
      if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        return false;
      }
      check(rv, "C_Initialize");
      return true;
    }
  }

  void finalizeModule() {
    try {
      invoke(cFinalize, "C_Finalize", MemorySegment.NULL);
    } catch (CkException e) {
      // Nothing to do: the module is being let go either way.
    }
  }

  /** The slots that hold a token. */
  long[] slotsWithToken() throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment count = a.allocate(JAVA_LONG);
      for (int attempt = 0; ; attempt++) {
        check(invokeSlotList((byte) 1, MemorySegment.NULL, count), "C_GetSlotList");
        long n = count.get(JAVA_LONG, 0);
        if (n == 0) {
          return new long[0];
        }
        MemorySegment slots = a.allocate(JAVA_LONG, n);
        long rv = invokeSlotList((byte) 1, slots, count);
        if (rv == CKR_BUFFER_TOO_SMALL && attempt < 3) {
          continue; // a token appeared between the two calls
        }
        check(rv, "C_GetSlotList");
        return slots.asSlice(0, count.get(JAVA_LONG, 0) * 8).toArray(JAVA_LONG);
      }
    }
  }

  private long invokeSlotList(byte present, MemorySegment list, MemorySegment count)
      throws CkException {
    try {
      return (long) cGetSlotList.invokeExact(present, list, count);
    } catch (Throwable t) {
      throw crashed("C_GetSlotList", t);
    }
  }

  /** What C_GetTokenInfo says about a token, blank padding removed. */
  record TokenInfo(String label, String manufacturer, String model, String serial, long flags) {
    boolean has(long flag) {
      return (flags & flag) != 0;
    }
  }

  TokenInfo tokenInfo(long slot) throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment info = a.allocate(CK_TOKEN_INFO);
      long rv;
      try {
        rv = (long) cGetTokenInfo.invokeExact(slot, info);
      } catch (Throwable t) {
        throw crashed("C_GetTokenInfo", t);
      }
      check(rv, "C_GetTokenInfo");
      return new TokenInfo(
          padded(info, "label", 32),
          padded(info, "manufacturerID", 32),
          padded(info, "model", 16),
          padded(info, "serialNumber", 16),
          info.get(JAVA_LONG, CK_TOKEN_INFO.byteOffset(groupElement("flags"))));
    }
  }

  private static String padded(MemorySegment info, String field, int size) {
    byte[] b = info.asSlice(CK_TOKEN_INFO.byteOffset(groupElement(field)), size).toArray(JAVA_BYTE);
    int end = b.length;
    while (end > 0 && (b[end - 1] == ' ' || b[end - 1] == 0)) {
      end--;
    }
    return new String(b, 0, end, StandardCharsets.UTF_8);
  }

  long openSession(long slot, boolean readWrite) throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment handle = a.allocate(JAVA_LONG);
      long flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
      long rv;
      try {
        rv =
            (long)
                cOpenSession.invokeExact(
                    slot, flags, MemorySegment.NULL, MemorySegment.NULL, handle);
      } catch (Throwable t) {
        throw crashed("C_OpenSession", t);
      }
      check(rv, "C_OpenSession");
      return handle.get(JAVA_LONG, 0);
    }
  }

  void closeSession(long session) {
    try {
      long _ = (long) cCloseSession.invokeExact(session);
    } catch (Throwable t) {
      // Closing is best effort: the session is gone from our side either way.
    }
  }

  /**
   * C_Login as the normal user. The PIN is copied into native memory that is zeroed before it is
   * freed; a null PIN means the token's protected authentication path (PIN pad).
   */
  void login(long session, byte @Nullable [] pin) throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment p = MemorySegment.NULL;
      long len = 0;
      if (pin != null) {
        p = a.allocate(Math.max(1, pin.length));
        MemorySegment.copy(pin, 0, p, JAVA_BYTE, 0, pin.length);
        len = pin.length;
      }
      long rv;
      try {
        rv = (long) cLogin.invokeExact(session, CKU_USER, p, len);
      } catch (Throwable t) {
        throw crashed("C_Login", t);
      } finally {
        if (pin != null) {
          p.fill((byte) 0);
        }
      }
      check(rv, "C_Login");
    }
  }

  /**
   * One attribute of a search or generation template. The bytes go straight into native memory;
   * attributes are never compared or hashed, so array identity semantics do not matter.
   */
  @SuppressWarnings("ArrayRecordComponent")
  record Attribute(long type, byte[] value) {
    static Attribute ofLong(long type, long value) {
      byte[] b = new byte[8];
      java.nio.ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putLong(value);
      return new Attribute(type, b);
    }

    static Attribute ofBool(long type, boolean value) {
      return new Attribute(type, new byte[] {(byte) (value ? 1 : 0)});
    }

    static Attribute ofText(long type, String value) {
      return new Attribute(type, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A CK_ULONG attribute value (native byte order) as read from the token. */
  static long asLong(byte[] value) {
    if (value.length != 8) {
      throw new IllegalArgumentException("a CK_ULONG is 8 bytes here, got " + value.length);
    }
    return java.nio.ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
  }

  private static MemorySegment template(Arena a, List<Attribute> attributes) {
    MemorySegment t = a.allocate(CK_ATTRIBUTE, Math.max(1, attributes.size()));
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attr = attributes.get(i);
      MemorySegment v = a.allocate(Math.max(1, attr.value().length));
      MemorySegment.copy(attr.value(), 0, v, JAVA_BYTE, 0, attr.value().length);
      long base = i * CK_ATTRIBUTE.byteSize();
      t.set(JAVA_LONG, base, attr.type());
      t.set(POINTER, base + 8, v);
      t.set(JAVA_LONG, base + 16, attr.value().length);
    }
    return t;
  }

  /** The handles of up to {@code max} objects matching {@code attributes}. */
  long[] findObjects(long session, List<Attribute> attributes, int max) throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment t = template(a, attributes);
      long rv;
      try {
        rv = (long) cFindObjectsInit.invokeExact(session, t, (long) attributes.size());
      } catch (Throwable e) {
        throw crashed("C_FindObjectsInit", e);
      }
      check(rv, "C_FindObjectsInit");
      List<Long> found = new ArrayList<>();
      try {
        MemorySegment out = a.allocate(JAVA_LONG, 16);
        MemorySegment count = a.allocate(JAVA_LONG);
        while (found.size() < max) {
          try {
            rv = (long) cFindObjects.invokeExact(session, out, 16L, count);
          } catch (Throwable e) {
            throw crashed("C_FindObjects", e);
          }
          check(rv, "C_FindObjects");
          long n = count.get(JAVA_LONG, 0);
          if (n == 0) {
            break;
          }
          for (long i = 0; i < n && found.size() < max; i++) {
            found.add(out.getAtIndex(JAVA_LONG, i));
          }
        }
      } finally {
        try {
          long _ = (long) cFindObjectsFinal.invokeExact(session);
        } catch (Throwable e) {
          // The search is over either way; a failure here leaves nothing to clean up.
        }
      }
      return found.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /**
   * One attribute's value, or null when the object does not have it or will not reveal it
   * (sensitive).
   */
  byte @Nullable [] attribute(long session, long object, long type) throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment t = a.allocate(CK_ATTRIBUTE);
      t.set(JAVA_LONG, 0, type);
      t.set(POINTER, 8, MemorySegment.NULL);
      long rv = invokeGetAttribute(session, object, t);
      if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE) {
        return null;
      }
      check(rv, "C_GetAttributeValue");
      long len = t.get(JAVA_LONG, 16);
      if (len == UNAVAILABLE) {
        return null;
      }
      if (len < 0 || len > 1 << 20) {
        throw new CkException(CKR_GENERAL_ERROR, "C_GetAttributeValue");
      }
      MemorySegment v = a.allocate(Math.max(1, len));
      t.set(POINTER, 8, v);
      t.set(JAVA_LONG, 16, len);
      check(invokeGetAttribute(session, object, t), "C_GetAttributeValue");
      long got = t.get(JAVA_LONG, 16);
      if (got < 0 || got > len) {
        throw new CkException(CKR_GENERAL_ERROR, "C_GetAttributeValue");
      }
      return v.asSlice(0, got).toArray(JAVA_BYTE);
    }
  }

  private long invokeGetAttribute(long session, long object, MemorySegment t) throws CkException {
    try {
      return (long) cGetAttributeValue.invokeExact(session, object, t, 1L);
    } catch (Throwable e) {
      throw crashed("C_GetAttributeValue", e);
    }
  }

  /**
   * A mechanism and its parameter bytes (a CK_ULONG struct in native byte order), if any. Like
   * {@link Attribute}, never compared.
   */
  @SuppressWarnings("ArrayRecordComponent")
  record Mechanism(long type, byte @Nullable [] parameter) {
    /** CK_RSA_PKCS_PSS_PARAMS { hashAlg, mgf, sLen }: three CK_ULONGs, no padding. */
    static Mechanism pss(long hash, long mgf, long saltLength) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
      b.putLong(hash).putLong(mgf).putLong(saltLength);
      return new Mechanism(CKM_RSA_PKCS_PSS, b.array());
    }
  }

  private static MemorySegment mechanism(Arena a, Mechanism m) {
    MemorySegment s = a.allocate(CK_MECHANISM);
    s.set(JAVA_LONG, 0, m.type());
    if (m.parameter() != null) {
      MemorySegment p = a.allocate(m.parameter().length, 8);
      MemorySegment.copy(m.parameter(), 0, p, JAVA_BYTE, 0, m.parameter().length);
      s.set(POINTER, 8, p);
      s.set(JAVA_LONG, 16, m.parameter().length);
    } else {
      s.set(POINTER, 8, MemorySegment.NULL);
      s.set(JAVA_LONG, 16, 0L);
    }
    return s;
  }

  /**
   * C_SignInit + C_Sign in one go. {@code maxLength} is the signature size the key makes (64 for
   * Ed25519, 2 × the scalar size for ECDSA, the modulus size for RSA), so one call suffices.
   */
  byte[] sign(long session, Mechanism m, long key, byte[] input, int maxLength) throws CkException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment mech = mechanism(a, m);
      long rv;
      try {
        rv = (long) cSignInit.invokeExact(session, mech, key);
      } catch (Throwable t) {
        throw crashed("C_SignInit", t);
      }
      check(rv, "C_SignInit");
      MemorySegment data = a.allocate(Math.max(1, input.length));
      MemorySegment.copy(input, 0, data, JAVA_BYTE, 0, input.length);
      MemorySegment out = a.allocate(maxLength);
      MemorySegment outLen = a.allocate(JAVA_LONG);
      outLen.set(JAVA_LONG, 0, maxLength);
      try {
        rv = (long) cSign.invokeExact(session, data, (long) input.length, out, outLen);
      } catch (Throwable t) {
        throw crashed("C_Sign", t);
      }
      check(rv, "C_Sign");
      long n = outLen.get(JAVA_LONG, 0);
      if (n <= 0 || n > maxLength) {
        throw new CkException(CKR_GENERAL_ERROR, "C_Sign");
      }
      return out.asSlice(0, n).toArray(JAVA_BYTE);
    }
  }

  /** C_GenerateKeyPair; returns {public handle, private handle}. */
  long[] generateKeyPair(
      long session, Mechanism m, List<Attribute> publicTemplate, List<Attribute> privateTemplate)
      throws CkException {
    MethodHandle generate = cGenerateKeyPair;
    if (generate == null) {
      throw new CkException(CKR_FUNCTION_NOT_SUPPORTED, "C_GenerateKeyPair");
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment pub = a.allocate(JAVA_LONG);
      MemorySegment priv = a.allocate(JAVA_LONG);
      long rv;
      try {
        rv =
            (long)
                generate.invokeExact(
                    session,
                    mechanism(a, m),
                    template(a, publicTemplate),
                    (long) publicTemplate.size(),
                    template(a, privateTemplate),
                    (long) privateTemplate.size(),
                    pub,
                    priv);
      } catch (Throwable t) {
        throw crashed("C_GenerateKeyPair", t);
      }
      check(rv, "C_GenerateKeyPair");
      return new long[] {pub.get(JAVA_LONG, 0), priv.get(JAVA_LONG, 0)};
    }
  }

  /** C_GenerateKey (a secret key, such as an AES wrapping key); returns its handle. */
  long generateKey(long session, Mechanism m, List<Attribute> template) throws CkException {
    MethodHandle generate = cGenerateKey;
    if (generate == null) {
      throw new CkException(CKR_FUNCTION_NOT_SUPPORTED, "C_GenerateKey");
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment handle = a.allocate(JAVA_LONG);
      long rv;
      try {
        rv =
            (long)
                generate.invokeExact(
                    session,
                    mechanism(a, m),
                    template(a, template),
                    (long) template.size(),
                    handle);
      } catch (Throwable t) {
        throw crashed("C_GenerateKey", t);
      }
      check(rv, "C_GenerateKey");
      return handle.get(JAVA_LONG, 0);
    }
  }

  /**
   * CK_GCM_PARAMS as PKCS#11 2.40's normative header and 3.0 define it: { CK_BYTE_PTR pIv; CK_ULONG
   * ulIvLen; CK_ULONG ulIvBits; CK_BYTE_PTR pAAD; CK_ULONG ulAADLen; CK_ULONG ulTagBits; } — 48
   * bytes. (The 2.40 document omitted ulIvBits; the header, SoftHSM and 3.0 have it.)
   */
  private static final StructLayout CK_GCM_PARAMS =
      MemoryLayout.structLayout(
          POINTER.withName("pIv"),
          JAVA_LONG.withName("ulIvLen"),
          JAVA_LONG.withName("ulIvBits"),
          POINTER.withName("pAAD"),
          JAVA_LONG.withName("ulAADLen"),
          JAVA_LONG.withName("ulTagBits"));

  /**
   * One-shot AES-GCM with a 128-bit tag under a secret key in the token: {@code ciphertext ‖ tag}
   * when encrypting; the plaintext when decrypting, or {@code CKR_ENCRYPTED_DATA_INVALID} (or a
   * similar code) when the tag does not verify. The IV is the caller's.
   */
  byte[] aesGcm(long session, boolean encrypt, long key, byte[] iv, byte[] aad, byte[] input)
      throws CkException {
    MethodHandle init = encrypt ? cEncryptInit : cDecryptInit;
    MethodHandle run = encrypt ? cEncrypt : cDecrypt;
    String initName = encrypt ? "C_EncryptInit" : "C_DecryptInit";
    String runName = encrypt ? "C_Encrypt" : "C_Decrypt";
    if (init == null || run == null) {
      throw new CkException(CKR_FUNCTION_NOT_SUPPORTED, initName);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment params = a.allocate(CK_GCM_PARAMS);
      MemorySegment ivSeg = a.allocate(Math.max(1, iv.length));
      MemorySegment.copy(iv, 0, ivSeg, JAVA_BYTE, 0, iv.length);
      MemorySegment aadSeg = a.allocate(Math.max(1, aad.length));
      MemorySegment.copy(aad, 0, aadSeg, JAVA_BYTE, 0, aad.length);
      params.set(POINTER, CK_GCM_PARAMS.byteOffset(groupElement("pIv")), ivSeg);
      params.set(JAVA_LONG, CK_GCM_PARAMS.byteOffset(groupElement("ulIvLen")), iv.length);
      params.set(JAVA_LONG, CK_GCM_PARAMS.byteOffset(groupElement("ulIvBits")), iv.length * 8L);
      params.set(POINTER, CK_GCM_PARAMS.byteOffset(groupElement("pAAD")), aadSeg);
      params.set(JAVA_LONG, CK_GCM_PARAMS.byteOffset(groupElement("ulAADLen")), aad.length);
      params.set(JAVA_LONG, CK_GCM_PARAMS.byteOffset(groupElement("ulTagBits")), 128L);
      MemorySegment mech = a.allocate(CK_MECHANISM);
      mech.set(JAVA_LONG, 0, CKM_AES_GCM);
      mech.set(POINTER, 8, params);
      mech.set(JAVA_LONG, 16, CK_GCM_PARAMS.byteSize());
      long rv;
      try {
        rv = (long) init.invokeExact(session, mech, key);
      } catch (Throwable t) {
        throw crashed(initName, t);
      }
      check(rv, initName);
      MemorySegment data = a.allocate(Math.max(1, input.length));
      MemorySegment.copy(input, 0, data, JAVA_BYTE, 0, input.length);
      // Encryption adds the 16-byte tag; decryption never grows.
      long max = encrypt ? input.length + 16L : input.length;
      MemorySegment out = a.allocate(Math.max(1, max));
      MemorySegment outLen = a.allocate(JAVA_LONG);
      outLen.set(JAVA_LONG, 0, max);
      try {
        try {
          rv = (long) run.invokeExact(session, data, (long) input.length, out, outLen);
        } catch (Throwable t) {
          throw crashed(runName, t);
        }
        check(rv, runName);
        long n = outLen.get(JAVA_LONG, 0);
        if (n < 0 || n > max) {
          throw new CkException(CKR_GENERAL_ERROR, runName);
        }
        return out.asSlice(0, n).toArray(JAVA_BYTE);
      } finally {
        // The plaintext (input when encrypting, output when decrypting) is secret.
        data.fill((byte) 0);
        out.fill((byte) 0);
      }
    }
  }

  // ---- plumbing ----

  private static long invoke(MethodHandle h, String function, MemorySegment arg)
      throws CkException {
    try {
      return (long) h.invokeExact(arg);
    } catch (Throwable t) {
      throw crashed(function, t);
    }
  }

  private static void check(long rv, String function) throws CkException {
    if (rv != CKR_OK) {
      throw new CkException(rv, function);
    }
  }

  /**
   * A downcall throws nothing a module can cause; what arrives here is a bug in a descriptor or an
   * invocation, and is rethrown as such rather than dressed up as a token error.
   */
  private static CkException crashed(String function, Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(function + " downcall failed", t);
  }

  private static MemoryLayout.PathElement groupElement(String name) {
    return MemoryLayout.PathElement.groupElement(name);
  }
}
