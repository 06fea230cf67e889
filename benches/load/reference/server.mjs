// A reference GraphQL server for the load harness: `node server.mjs yoga|apollo|mercurius PORT`.
// Each serves the same schema and the same 50-organisation page from memory (no database), the
// shape of Kopir's nested organisations page, with the framework's production defaults. The
// harness drives all of them and Kopir with the same client in the same run.
import http from 'node:http';

const [, , which, port] = process.argv;

const typeDefs = /* GraphQL */ `
  type Query { organizations(first: Int = 50): OrganizationConnection! }
  type OrganizationConnection { nodes: [Organization!]! }
  type Organization { id: ID! name: LocalizedText! region: Region members: [Member!]! }
  type LocalizedText { kk: String ru: String en: String }
  type Region { code: String! }
  enum MembershipRole { ADMIN MEMBER }
  type Member { role: MembershipRole! user: User! }
  type User { displayName: String! }
`;

const regions = ['KZ-10', 'KZ-11', 'KZ-15', 'KZ-19', 'KZ-23', 'KZ-27', 'KZ-31', 'KZ-33', 'KZ-35', 'KZ-39'];
const organizations = Array.from({ length: 1000 }, (_, i) => ({
  id: Buffer.from(`Organization:${i + 1}`).toString('base64'),
  name: { en: `catalytic hydrogen storage membrane pilot ${i}` },
  region: { code: regions[i % regions.length] },
  members: ['admin', 'member'].map((role) => ({
    role: role.toUpperCase(),
    user: { displayName: `Load ${role} ${i}` },
  })),
}));

const resolvers = {
  Query: {
    organizations: (_, { first }) => ({ nodes: organizations.slice(0, Math.min(first, 100)) }),
  },
};

if (which === 'yoga') {
  const { createYoga, createSchema } = await import('graphql-yoga');
  const yoga = createYoga({ schema: createSchema({ typeDefs, resolvers }), logging: false, graphiql: false });
  http.createServer(yoga).listen(Number(port), '127.0.0.1');
} else if (which === 'apollo') {
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const server = new ApolloServer({ typeDefs, resolvers });
  await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
} else if (which === 'mercurius') {
  const { default: Fastify } = await import('fastify');
  const { default: mercurius } = await import('mercurius');
  const app = Fastify({ logger: false });
  // jit: 1 compiles a query with graphql-jit from its first repetition on.
  app.register(mercurius, { schema: typeDefs, resolvers, jit: 1 });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
} else {
  console.error('usage: node server.mjs yoga|apollo|mercurius PORT');
  process.exit(2);
}
