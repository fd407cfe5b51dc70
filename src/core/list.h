/* SPDX-License-Identifier: BSD-3-Clause */
/* Minimal intrusive doubly linked list. */
#ifndef AMP_CORE_LIST_H
#define AMP_CORE_LIST_H

#include <stddef.h>

struct amp_list {
	struct amp_list *prev, *next;
};

#define AMP_LIST_INIT(l)   \
	{                  \
		&(l), &(l) \
	}

static inline void amp_list_init(struct amp_list *l)
{
	l->prev = l->next = l;
}

static inline void amp_list_add_tail(struct amp_list *head, struct amp_list *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void amp_list_del(struct amp_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}

static inline int amp_list_empty(const struct amp_list *l)
{
	return l->next == l;
}

#define amp_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define amp_list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif
