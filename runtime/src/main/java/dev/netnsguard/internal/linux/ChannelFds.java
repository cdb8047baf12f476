package dev.netnsguard.internal.linux;

import com.sun.jna.Function;
import com.sun.jna.JNIEnv;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The file descriptor behind a JDK channel.
 *
 * <p>The JDK keeps it in a private {@link FileDescriptor} field of its channel implementations,
 * and strong encapsulation forbids reading private fields of {@code java.base} by reflection without
 * {@code --add-opens}. JNI is not subject to that check, and its function table is a stable ABI, so
 * the field is read with JNI's {@code FromReflectedField} and {@code Get*Field}, called through JNA
 * on the current thread's {@code JNIEnv}. No command-line flag, no {@code sun.misc.Unsafe} warning.
 */
public final class ChannelFds {
    /** Indexes into {@code struct JNINativeInterface_} (jni.h). */
    private static final int FROM_REFLECTED_FIELD = 8;
    private static final int GET_OBJECT_FIELD = 95;
    private static final int GET_INT_FIELD = 100;

    private static final Map<String, Object> ALLOW_OBJECTS = Map.of(Library.OPTION_ALLOW_OBJECTS, Boolean.TRUE);
    private static final Field FD_INT = field(FileDescriptor.class, "fd");
    private static final Map<Class<?>, Field> FD_FIELDS = new ConcurrentHashMap<>();

    private ChannelFds() {}

    /**
     * The descriptor number of {@code channel}'s socket.
     *
     * @throws IllegalArgumentException if the channel is not one of the JDK's socket channels
     */
    public static int fdOf(Object channel) {
        Field fdField = FD_FIELDS.computeIfAbsent(channel.getClass(), ChannelFds::fileDescriptorField);
        Pointer env = currentEnv();
        Pointer table = env.getPointer(0);
        Object descriptor = jni(table, GET_OBJECT_FIELD, Object.class, env, channel, fieldId(table, env, fdField));
        if (descriptor == null) {
            throw new IllegalArgumentException(channel + " has no file descriptor");
        }
        return (Integer) jni(table, GET_INT_FIELD, int.class, env, descriptor, fieldId(table, env, FD_INT));
    }

    private static Pointer fieldId(Pointer table, Pointer env, Field field) {
        return (Pointer) jni(table, FROM_REFLECTED_FIELD, Pointer.class, env, field);
    }

    private static Object jni(Pointer table, int index, Class<?> returns, Object... args) {
        Function function = Function.getFunction(table.getPointer((long) index * Native.POINTER_SIZE));
        return function.invoke(returns, args, ALLOW_OBJECTS);
    }

    /** JNA replaces {@link JNIEnv#CURRENT} with the thread's {@code JNIEnv*}; memcpy of 0 bytes returns it. */
    private static Pointer currentEnv() {
        return Env.memcpy(JNIEnv.CURRENT, JNIEnv.CURRENT, 0);
    }

    /** Direct mapping is the only JNA binding that passes a {@code JNIEnv*}. */
    private static final class Env {
        static {
            Native.register(Env.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native Pointer memcpy(JNIEnv destination, JNIEnv source, long length);
    }

    private static Field fileDescriptorField(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == FileDescriptor.class && !Modifier.isStatic(f.getModifiers())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException(type.getName() + " has no FileDescriptor field: not a JDK socket channel");
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
