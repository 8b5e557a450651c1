/* The floor for any tool that reads YAML through libyaml: parse a file's events and count
 * them, nothing else. quorate's benchmark runs it on the same files, in the same run.
 * Build: cc -O2 yaml-events.c -lyaml */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: yaml-events FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  yaml_parser_t parser;
  yaml_event_t event;
  unsigned long events = 0;
  int done = 0;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, f);
  while (!done) {
    if (!yaml_parser_parse(&parser, &event)) {
      fprintf(stderr, "%s: %s\n", argv[1], parser.problem ? parser.problem : "parse error");
      return 1;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    events++;
  }
  yaml_parser_delete(&parser);
  fclose(f);
  printf("%lu events\n", events);
  return 0;
}
