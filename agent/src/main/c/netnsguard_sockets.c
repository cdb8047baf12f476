/*
 * The agent's one native piece: where a socket lives, asked of the kernel about the socket itself,
 * for dev.netnsguard.agent.sockets.SocketNamespaces (a module of its own, see SocketNamespaceService).
 * JNI rather than JNA or FFM: the agent must work without the application's JNA and on JDK 17, where
 * FFM is not final; three system calls do not warrant a library.
 */
#include <jni.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sockios.h>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* The namespace cookie of the socket's network namespace (Linux 5.14+), or -errno. */
JNIEXPORT jlong JNICALL Java_dev_netnsguard_agent_sockets_SocketNamespaces_cookie(JNIEnv *env, jclass type, jint fd) {
    unsigned long long cookie = 0;
    socklen_t length = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &length) != 0) {
        return -errno;
    }
    return (jlong) cookie;
}

/* The inode of the socket's network namespace (SIOCGSKNS, Linux 4.9+), or -errno. */
JNIEXPORT jlong JNICALL Java_dev_netnsguard_agent_sockets_SocketNamespaces_inode(JNIEnv *env, jclass type, jint fd) {
    int ns = ioctl(fd, SIOCGSKNS);
    if (ns < 0) {
        return -errno;
    }
    struct stat st;
    int failed = fstat(ns, &st);
    int error = errno;
    close(ns);
    return failed ? -error : (jlong) st.st_ino;
}

/* Closes a descriptor the JDK has not taken charge of yet; 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_netnsguard_agent_sockets_SocketNamespaces_close(JNIEnv *env, jclass type, jint fd) {
    return close(fd) == 0 ? 0 : -errno;
}
