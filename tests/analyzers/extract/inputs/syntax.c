void fine(void);
void before_error(void) { fine(); }
void broken(void) { fine( }
