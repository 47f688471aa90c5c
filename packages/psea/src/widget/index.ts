/**
 * `psea/widget`: defines `<psea-enroll>` and `<psea-approve>` for host pages
 * that bundle their own scripts (the service also serves them as
 * `/widget.js`). Importing it defines the elements, once per page; point
 * each element at the service with its `endpoint` attribute (docs/widget.md).
 */
export * from '../../../../widget/index.ts';
