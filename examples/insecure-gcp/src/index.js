// The partner webhook (Node.js): it only acknowledges the call. Its flaws are in main.tf
// (a public invoker, no Cloud Armor), not in this code.
exports.webhook = (req, res) => {
  res.status(204).send();
};
