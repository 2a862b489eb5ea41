#ifndef CSOCKETSHIMS_H
#define CSOCKETSHIMS_H

// What Glibc does not export to Swift: recvmmsg/sendmmsg with packet-info control messages, epoll, eventfd,
// accept4, thread names. This header deliberately declares only its own types and functions and includes no
// system header that depends on _GNU_SOURCE (defining it here breaks other modules: see docs/swift-notes.md).
// Only CSocketShims.c defines _GNU_SOURCE, and it static-asserts that the constants below match the system's.

#include <stddef.h>
#include <stdint.h>

// MARK: - UDP batches

/// A preallocated batch of datagram slots for recvmmsg/sendmmsg. Each slot owns one buffer that holds the
/// received query and, later, the reply; the peer address and the packet-info control message are kept per slot
/// so that the reply leaves from the address the query was sent to.
typedef struct wdns_udp_batch wdns_udp_batch;

/// Allocates a batch of `count` slots with `buffer_size`-byte buffers. Returns NULL when memory runs out.
wdns_udp_batch *wdns_udp_batch_create(unsigned count, unsigned buffer_size);
void wdns_udp_batch_destroy(wdns_udp_batch *batch);

/// Takes as many datagrams as are queued (up to the batch size). With `wait` set it first blocks until at least
/// one arrives; without, it returns -1 with errno EAGAIN at once when none is queued. Returns the number received,
/// or -1 with errno set (EINTR, EAGAIN on SO_RCVTIMEO, ...). Every slot's reply is cleared.
int wdns_udp_batch_receive(int fd, wdns_udp_batch *batch, int wait);

/// The buffer of slot `index` and the length of the datagram received into it.
unsigned char *wdns_udp_batch_buffer(wdns_udp_batch *batch, unsigned index, size_t *length);

/// The source address of the datagram in slot `index`: copies 4 octets (IPv4) or 16 (IPv6) into `octets` and
/// returns that count, or returns 0 when the family is neither.
int wdns_udp_batch_peer(wdns_udp_batch *batch, unsigned index, uint8_t octets[16]);

/// Marks slot `index` to be answered with the first `length` bytes of its buffer (0: no answer).
void wdns_udp_batch_set_reply_length(wdns_udp_batch *batch, unsigned index, size_t length);

/// Sends every reply of the first `count` slots with sendmmsg, skipping slots without a reply and datagrams
/// the kernel refuses. Returns the number of replies that could not be sent.
int wdns_udp_batch_send(int fd, wdns_udp_batch *batch, unsigned count);

/// Asks the kernel for the destination address of every datagram (IP_PKTINFO, or IPV6_RECVPKTINFO when
/// `ipv6` is set). Returns 0 or -1 with errno set.
int wdns_enable_packet_info(int fd, int ipv6);

// MARK: - epoll and eventfd

enum {
    WDNS_EPOLLIN = 0x001,
    WDNS_EPOLLOUT = 0x004,
    WDNS_EPOLLERR = 0x008,
    WDNS_EPOLLHUP = 0x010,
};

enum {
    WDNS_EPOLL_CTL_ADD = 1,
    WDNS_EPOLL_CTL_MOD = 3,
};

/// One ready event: the flags and the 64-bit token given when the descriptor was registered.
typedef struct {
    uint32_t events;
    uint64_t token;
} wdns_event;

/// epoll_create1(EPOLL_CLOEXEC).
int wdns_epoll_create(void);
/// epoll_ctl with `events` and `token` as the event's data.
int wdns_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// epoll_wait into `events` (at most `max_events`, at most 256). Returns the count or -1 with errno set.
int wdns_epoll_wait(int epfd, wdns_event *events, int max_events, int timeout_ms);

/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int wdns_eventfd(void);
/// Adds 1 to an eventfd counter (wakes its epoll waiter).
int wdns_eventfd_signal(int fd);
/// Resets an eventfd counter.
void wdns_eventfd_drain(int fd);

// MARK: - Sockets and threads

/// accept4(fd, ..., SOCK_NONBLOCK | SOCK_CLOEXEC). `address` points to at least `*length` bytes
/// (a sockaddr_storage), or is NULL.
int wdns_accept_nonblocking(int fd, void *address, uint32_t *length);

/// Names the calling thread (at most 15 characters are kept).
void wdns_set_thread_name(const char *name);

/// The number of processors this process may run on (its CPU affinity, as `taskset` or a cpuset sets it), or -1.
int wdns_cpus_allowed(void);

// MARK: - Memory

/// malloc_trim(0): returns the free memory of every malloc arena to the system (malloc.h is not in Glibc's module).
void wdns_release_free_memory(void);

#endif
