#pragma once
#include <pthread.h>
#include <stdlib.h>
#include <yaml.h>

/*
 * libyaml's events parsed on a second thread, handed over a batch at a time.
 *
 * Parsing (libyaml) and building the document (quorate) each take about half of reading a
 * large file; on two cores they overlap. The producer thread parses into a ring of batches;
 * the reader takes events in order with quorate_pipe_next. The pipe owns every event: the
 * producer deletes a batch's events when it reuses the batch, after the reader released it
 * (so libyaml's memory is allocated and freed on one thread, never handed across arenas), and
 * quorate_pipe_finish deletes the rest. A batch is handed over and given back under the
 * lock, so every event is written before it is read.
 */

enum { QUORATE_PIPE_BATCH = 512, QUORATE_PIPE_BATCHES = 8 };

typedef struct {
  yaml_event_t *events; /* QUORATE_PIPE_BATCH of them */
  int count;
  /* Parsing failed after these events: the parser holds the problem. */
  int failed;
} quorate_pipe_batch;

typedef struct {
  yaml_parser_t *parser;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  quorate_pipe_batch batches[QUORATE_PIPE_BATCHES];
  /* Guarded by lock: the oldest batch handed over, the next to fill, how many are handed
     over and not released, whether the reader asked the producer to stop, whether the
     producer is done (end of stream, failure or stop). */
  int head, tail, filled, stop, done;
  /* The reader's: the batch it reads (the head one) and its next event there. */
  quorate_pipe_batch *current;
  int cursor;
} quorate_pipe;

static void *quorate_pipe_produce(void *argument) {
  quorate_pipe *p = (quorate_pipe *)argument;
  for (;;) {
    pthread_mutex_lock(&p->lock);
    while (p->filled == QUORATE_PIPE_BATCHES && !p->stop) pthread_cond_wait(&p->changed, &p->lock);
    if (p->stop) {
      p->done = 1;
      pthread_cond_broadcast(&p->changed);
      pthread_mutex_unlock(&p->lock);
      return NULL;
    }
    quorate_pipe_batch *b = &p->batches[p->tail];
    pthread_mutex_unlock(&p->lock);
    /* Only the producer touches the batch at the tail until it is handed over. The events
       it held were read and released. */
    for (int i = 0; i < b->count; i++) yaml_event_delete(&b->events[i]);
    int last = 0;
    b->count = 0;
    b->failed = 0;
    while (b->count < QUORATE_PIPE_BATCH) {
      if (!yaml_parser_parse(p->parser, &b->events[b->count])) {
        b->failed = 1;
        last = 1;
        break;
      }
      yaml_event_type_t type = b->events[b->count].type;
      b->count += 1;
      if (type == YAML_STREAM_END_EVENT) {
        last = 1;
        break;
      }
    }
    pthread_mutex_lock(&p->lock);
    p->tail = (p->tail + 1) % QUORATE_PIPE_BATCHES;
    p->filled += 1;
    if (last) p->done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    if (last) return NULL;
  }
}

/* Starts parsing on a second thread; NULL when no thread could be started (read directly). */
static inline quorate_pipe *quorate_pipe_start(yaml_parser_t *parser) {
  quorate_pipe *p = (quorate_pipe *)calloc(1, sizeof(quorate_pipe));
  if (p == NULL) return NULL;
  p->parser = parser;
  yaml_event_t *events = (yaml_event_t *)calloc(QUORATE_PIPE_BATCHES * QUORATE_PIPE_BATCH, sizeof(yaml_event_t));
  if (events == NULL) {
    free(p);
    return NULL;
  }
  for (int i = 0; i < QUORATE_PIPE_BATCHES; i++) p->batches[i].events = events + i * QUORATE_PIPE_BATCH;
  if (pthread_mutex_init(&p->lock, NULL) != 0) {
    free(events);
    free(p);
    return NULL;
  }
  if (pthread_cond_init(&p->changed, NULL) != 0) {
    pthread_mutex_destroy(&p->lock);
    free(events);
    free(p);
    return NULL;
  }
  if (pthread_create(&p->thread, NULL, quorate_pipe_produce, p) != 0) {
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(events);
    free(p);
    return NULL;
  }
  return p;
}

/* The next event, in order: 1 when *event is one (the pipe deletes it once the reader moves
   past its batch: use it, do not keep pointers into it), 0 when there are no more (after the
   stream's end), -1 when parsing failed (the parser holds the problem; read it after
   quorate_pipe_finish). */
static inline int quorate_pipe_next(quorate_pipe *p, yaml_event_t *event) {
  for (;;) {
    if (p->current != NULL) {
      if (p->cursor < p->current->count) {
        *event = p->current->events[p->cursor];
        p->cursor += 1;
        return 1;
      }
      if (p->current->failed) return -1;
      pthread_mutex_lock(&p->lock);
      p->head = (p->head + 1) % QUORATE_PIPE_BATCHES;
      p->filled -= 1;
      p->current = NULL;
      pthread_cond_broadcast(&p->changed);
      pthread_mutex_unlock(&p->lock);
    }
    pthread_mutex_lock(&p->lock);
    while (p->filled == 0 && !p->done) pthread_cond_wait(&p->changed, &p->lock);
    if (p->filled == 0) {
      pthread_mutex_unlock(&p->lock);
      return 0;
    }
    p->current = &p->batches[p->head];
    p->cursor = 0;
    pthread_mutex_unlock(&p->lock);
  }
}

/* Stops the producer, waits for it, deletes every event still held, frees the pipe. */
static inline void quorate_pipe_finish(quorate_pipe *p) {
  pthread_mutex_lock(&p->lock);
  p->stop = 1;
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->lock);
  pthread_join(p->thread, NULL);
  /* The producer is gone: every batch's first `count` events are held, read or not. */
  for (int b = 0; b < QUORATE_PIPE_BATCHES; b++) {
    for (int i = 0; i < p->batches[b].count; i++) yaml_event_delete(&p->batches[b].events[i]);
  }
  pthread_cond_destroy(&p->changed);
  pthread_mutex_destroy(&p->lock);
  free(p->batches[0].events);
  free(p);
}
