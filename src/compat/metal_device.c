/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libmetal devices standing for ampshm devices (metal/device.h in the
 * compat include directory), registered by name for metal_device_open().
 */
#include <ampshm/metal-compat/metal/device.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct cm_dev {
	struct metal_device pub; /* first: handles point here */
	struct cm_dev *next;
	unsigned opens;
};

static pthread_mutex_t cm_dev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cm_dev *cm_devs;

static struct cm_dev *cm_dev_find_locked(const char *name)
{
	for (struct cm_dev *d = cm_devs; d; d = d->next)
		if (!strcmp(d->pub.name, name))
			return d;
	return NULL;
}

int amp_metal_device_create(struct amp_dev *dev, struct metal_device **mdev)
{
	struct cm_dev *d;

	if (!dev || !mdev)
		return amp_err(-EINVAL, "amp_metal_device_create: device and "
					"result are required");
	d = calloc(1, sizeof(*d));
	if (!d)
		return amp_err(-ENOMEM, "amp_metal_device_create: out of "
					"memory");
	amp_metal_device_init(&d->pub, dev);
	pthread_mutex_lock(&cm_dev_lock);
	if (cm_dev_find_locked(d->pub.name)) {
		pthread_mutex_unlock(&cm_dev_lock);
		free(d);
		return amp_err(-EEXIST,
			       "amp_metal_device_create: a device "
			       "called '%s' is already registered",
			       amp_dev_name(dev));
	}
	d->next = cm_devs;
	cm_devs = d;
	pthread_mutex_unlock(&cm_dev_lock);
	*mdev = &d->pub;
	return 0;
}

int amp_metal_device_destroy(struct metal_device *mdev)
{
	struct cm_dev **pp;

	pthread_mutex_lock(&cm_dev_lock);
	for (pp = &cm_devs; *pp; pp = &(*pp)->next)
		if (&(*pp)->pub == mdev)
			break;
	if (!*pp) {
		pthread_mutex_unlock(&cm_dev_lock);
		return amp_err(-EINVAL,
			       "amp_metal_device_destroy: %p was not "
			       "made by amp_metal_device_create()",
			       (void *)mdev);
	}
	if ((*pp)->opens) {
		unsigned n = (*pp)->opens;

		pthread_mutex_unlock(&cm_dev_lock);
		return amp_err(-EBUSY,
			       "amp_metal_device_destroy: '%s' is "
			       "still open %u time(s)",
			       mdev->name, n);
	}
	*pp = (*pp)->next;
	pthread_mutex_unlock(&cm_dev_lock);
	free(mdev); /* the handle is the start of its struct cm_dev */
	return 0;
}

int amp_metal_device_open(const char *bus_name, const char *dev_name,
			  struct metal_device **device)
{
	struct cm_dev *d;

	(void)bus_name;
	if (!dev_name || !device)
		return amp_err(-EINVAL, "metal_device_open: device name and "
					"result are required");
	pthread_mutex_lock(&cm_dev_lock);
	d = cm_dev_find_locked(dev_name);
	if (d)
		d->opens++;
	pthread_mutex_unlock(&cm_dev_lock);
	if (!d)
		return amp_err(-ENODEV,
			       "metal_device_open: no device '%s' "
			       "(register it with "
			       "amp_metal_device_create())",
			       dev_name);
	*device = &d->pub;
	return 0;
}

void amp_metal_device_close(struct metal_device *device)
{
	pthread_mutex_lock(&cm_dev_lock);
	for (struct cm_dev *d = cm_devs; d; d = d->next)
		if (&d->pub == device && d->opens) {
			d->opens--;
			break;
		}
	pthread_mutex_unlock(&cm_dev_lock);
}
