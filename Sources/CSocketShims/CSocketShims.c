#define _GNU_SOURCE
#include "CSocketShims.h"

#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

_Static_assert(WDNS_EPOLLIN == EPOLLIN, "EPOLLIN");
_Static_assert(WDNS_EPOLLOUT == EPOLLOUT, "EPOLLOUT");
_Static_assert(WDNS_EPOLLERR == EPOLLERR, "EPOLLERR");
_Static_assert(WDNS_EPOLLHUP == EPOLLHUP, "EPOLLHUP");
_Static_assert(WDNS_EPOLL_CTL_ADD == EPOLL_CTL_ADD, "EPOLL_CTL_ADD");
_Static_assert(WDNS_EPOLL_CTL_MOD == EPOLL_CTL_MOD, "EPOLL_CTL_MOD");
_Static_assert(sizeof(struct sockaddr_storage) == 128, "sockaddr_storage");

// MARK: - UDP batches

// Room for the control messages of one datagram: a packet-info message (IPv4: 12 octets of data, IPv6: 20)
// and some margin for others the kernel may add.
#define WDNS_CONTROL_SIZE 128
_Static_assert(sizeof(struct cmsghdr) + sizeof(struct in6_pktinfo) + 16 <= WDNS_CONTROL_SIZE, "control size");

typedef struct {
    struct sockaddr_storage peer;
    socklen_t peer_length;
    size_t reply_length;
    // Control messages as received, then the single packet-info message to echo on send.
    _Alignas(struct cmsghdr) char receive_control[WDNS_CONTROL_SIZE];
    _Alignas(struct cmsghdr) char send_control[WDNS_CONTROL_SIZE];
    size_t send_control_length;
    struct iovec receive_iov;
    struct iovec send_iov;
} wdns_slot;

struct wdns_udp_batch {
    unsigned count;
    unsigned buffer_size;
    unsigned char *buffers;
    wdns_slot *slots;
    struct mmsghdr *receive;
    struct mmsghdr *send;
};

wdns_udp_batch *wdns_udp_batch_create(unsigned count, unsigned buffer_size) {
    if (count == 0 || buffer_size == 0) { errno = EINVAL; return NULL; }
    wdns_udp_batch *batch = calloc(1, sizeof *batch);
    if (batch == NULL) return NULL;
    batch->count = count;
    batch->buffer_size = buffer_size;
    batch->buffers = malloc((size_t)count * buffer_size);
    batch->slots = calloc(count, sizeof(wdns_slot));
    batch->receive = calloc(count, sizeof(struct mmsghdr));
    batch->send = calloc(count, sizeof(struct mmsghdr));
    if (!batch->buffers || !batch->slots || !batch->receive || !batch->send) {
        wdns_udp_batch_destroy(batch);
        errno = ENOMEM;
        return NULL;
    }
    return batch;
}

void wdns_udp_batch_destroy(wdns_udp_batch *batch) {
    if (batch == NULL) return;
    free(batch->buffers);
    free(batch->slots);
    free(batch->receive);
    free(batch->send);
    free(batch);
}

// Keeps the packet-info message of a received datagram, rewritten for the reply: the source address is the
// address the query was sent to, and the interface index is cleared so the routing table chooses the route.
static void wdns_keep_packet_info(wdns_slot *slot, struct msghdr *received) {
    slot->send_control_length = 0;
    if (received->msg_controllen == 0) return;
    memset(slot->send_control, 0, sizeof slot->send_control);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(received); c != NULL; c = CMSG_NXTHDR(received, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo info;
            memcpy(&info, CMSG_DATA(c), sizeof info);
            info.ipi_spec_dst = info.ipi_addr;
            info.ipi_ifindex = 0;
            struct cmsghdr *out = (struct cmsghdr *)slot->send_control;
            out->cmsg_level = IPPROTO_IP;
            out->cmsg_type = IP_PKTINFO;
            out->cmsg_len = CMSG_LEN(sizeof info);
            memcpy(CMSG_DATA(out), &info, sizeof info);
            slot->send_control_length = CMSG_SPACE(sizeof info);
            return;
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(c), sizeof info);
            // A link-local source needs its interface; any other address is routed normally.
            if (!IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr)) info.ipi6_ifindex = 0;
            struct cmsghdr *out = (struct cmsghdr *)slot->send_control;
            out->cmsg_level = IPPROTO_IPV6;
            out->cmsg_type = IPV6_PKTINFO;
            out->cmsg_len = CMSG_LEN(sizeof info);
            memcpy(CMSG_DATA(out), &info, sizeof info);
            slot->send_control_length = CMSG_SPACE(sizeof info);
            return;
        }
    }
}

int wdns_udp_batch_receive(int fd, wdns_udp_batch *batch, int wait) {
    for (unsigned i = 0; i < batch->count; i++) {
        wdns_slot *slot = &batch->slots[i];
        slot->reply_length = 0;
        slot->receive_iov.iov_base = batch->buffers + (size_t)i * batch->buffer_size;
        slot->receive_iov.iov_len = batch->buffer_size;
        struct msghdr *h = &batch->receive[i].msg_hdr;
        memset(h, 0, sizeof *h);
        h->msg_name = &slot->peer;
        h->msg_namelen = sizeof slot->peer;
        h->msg_iov = &slot->receive_iov;
        h->msg_iovlen = 1;
        h->msg_control = slot->receive_control;
        h->msg_controllen = sizeof slot->receive_control;
        batch->receive[i].msg_len = 0;
    }
    int received = recvmmsg(fd, batch->receive, batch->count, wait ? MSG_WAITFORONE : MSG_DONTWAIT, NULL);
    if (received <= 0) return received;
    for (int i = 0; i < received; i++) {
        wdns_slot *slot = &batch->slots[i];
        struct msghdr *h = &batch->receive[i].msg_hdr;
        slot->peer_length = h->msg_namelen;
        if (h->msg_flags & MSG_TRUNC) batch->receive[i].msg_len = 0; // larger than a slot: ignored
        wdns_keep_packet_info(slot, h);
    }
    return received;
}

unsigned char *wdns_udp_batch_buffer(wdns_udp_batch *batch, unsigned index, size_t *length) {
    if (length != NULL) *length = batch->receive[index].msg_len;
    return batch->buffers + (size_t)index * batch->buffer_size;
}

int wdns_udp_batch_peer(wdns_udp_batch *batch, unsigned index, uint8_t octets[16]) {
    const struct sockaddr_storage *peer = &batch->slots[index].peer;
    if (peer->ss_family == AF_INET) {
        memcpy(octets, &((const struct sockaddr_in *)peer)->sin_addr, 4);
        return 4;
    }
    if (peer->ss_family == AF_INET6) {
        memcpy(octets, &((const struct sockaddr_in6 *)peer)->sin6_addr, 16);
        return 16;
    }
    return 0;
}

void wdns_udp_batch_set_reply_length(wdns_udp_batch *batch, unsigned index, size_t length) {
    batch->slots[index].reply_length = length <= batch->buffer_size ? length : 0;
}

int wdns_udp_batch_send(int fd, wdns_udp_batch *batch, unsigned count) {
    unsigned pending = 0;
    for (unsigned i = 0; i < count && i < batch->count; i++) {
        wdns_slot *slot = &batch->slots[i];
        if (slot->reply_length == 0) continue;
        slot->send_iov.iov_base = batch->buffers + (size_t)i * batch->buffer_size;
        slot->send_iov.iov_len = slot->reply_length;
        struct msghdr *h = &batch->send[pending].msg_hdr;
        memset(h, 0, sizeof *h);
        h->msg_name = &slot->peer;
        h->msg_namelen = slot->peer_length;
        h->msg_iov = &slot->send_iov;
        h->msg_iovlen = 1;
        h->msg_control = slot->send_control_length ? slot->send_control : NULL;
        h->msg_controllen = slot->send_control_length;
        pending++;
    }
    int failed = 0;
    unsigned next = 0;
    while (next < pending) {
        int sent = sendmmsg(fd, batch->send + next, pending - next, MSG_NOSIGNAL);
        if (sent > 0) {
            next += (unsigned)sent;
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else {
            // The datagram at `next` was refused (unreachable peer, bad address...): skip it.
            next++;
            failed++;
        }
    }
    return failed;
}

int wdns_enable_packet_info(int fd, int ipv6) {
    int on = 1;
    if (ipv6) return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
}

// MARK: - epoll and eventfd

int wdns_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int wdns_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

int wdns_epoll_wait(int epfd, wdns_event *events, int max_events, int timeout_ms) {
    struct epoll_event raw[256];
    if (max_events > 256) max_events = 256;
    if (max_events <= 0) { errno = EINVAL; return -1; }
    int ready = epoll_wait(epfd, raw, max_events, timeout_ms);
    for (int i = 0; i < ready; i++) {
        events[i].events = raw[i].events;
        events[i].token = raw[i].data.u64;
    }
    return ready;
}

int wdns_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int wdns_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written;
    do { written = write(fd, &one, sizeof one); } while (written < 0 && errno == EINTR);
    return written == sizeof one ? 0 : -1;
}

void wdns_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got;
    do { got = read(fd, &value, sizeof value); } while (got < 0 && errno == EINTR);
}

// MARK: - Sockets and threads

int wdns_accept_nonblocking(int fd, void *address, uint32_t *length) {
    socklen_t size = length ? *length : 0;
    int accepted = accept4(fd, (struct sockaddr *)address, address ? &size : NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (accepted >= 0 && length) *length = size;
    return accepted;
}

void wdns_set_thread_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = '\0';
    pthread_setname_np(pthread_self(), truncated);
}

int wdns_cpus_allowed(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

void wdns_release_free_memory(void) {
    malloc_trim(0);
}
