/**
 * A request Graphite would refuse as bad input (graphite-web's InputParameterError): an unknown function,
 * a wrong parameter, an unreadable tag expression. The routes answer it with 400 and its message.
 */
export class GraphiteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphiteInputError';
  }
}
