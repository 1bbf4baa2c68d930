// A placeholder engine for rdf-test-suite: the protocol tests talk HTTP to the endpoint
// given by -i '{"protocolEndpoint": …}' and never call these functions.
module.exports = {
  parse: () => Promise.reject(new Error("the protocol tests do not parse")),
  query: () => Promise.reject(new Error("the protocol tests do not query through the engine")),
};
