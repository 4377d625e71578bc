import 'reflect-metadata'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Hapi from '@hapi/hapi'
import { createAdaptorServer } from '@hono/node-server'
import { Controller, Get, Module } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { Session } from '@spinup/client'
import { startServer } from '@spinup/fixtures'
import express from 'express'
import Fastify from 'fastify'
import { H3 } from 'h3'
import { Hono } from 'hono'
import Koa from 'koa'
import { Client } from 'undici'
import type { BenchContext, BenchModule, BenchRow } from '../bench-module.js'
import { median, round } from '../stats.js'
import { msPerCycle } from './fixtures.js'

/**
 * Per framework: one test's worth of server, a fresh app per cycle, one GET / with its body read. By
 * hand (the framework's own start and stop, an undici Client) against spinup (`startServer` of the
 * factory spinup is given in `useServer(() => createApp())`, a Session, the leak check,
 * closeAllConnections, stop, session.close: what useServer does around a test). The ratio says what
 * spinup's recognition, bridging and clean stop cost on top of the framework's own start and stop.
 */

const HOST = '127.0.0.1'

// Nest's decorators applied as functions: the bench runs through tsx without decorator metadata.
class HelloController {
  hello() {
    return 'nest'
  }
}
Controller()(HelloController)
Get()(
  HelloController.prototype,
  'hello',
  Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello')!,
)
class BenchModuleNest {}
Module({ controllers: [HelloController] })(BenchModuleNest)

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port))
  })
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))

interface Framework {
  readonly name: string
  /** The spec a user writes: a factory of a fresh app. */
  readonly spec: () => unknown
  /** Starts a fresh app the framework's own way; returns its port and how to stop it. */
  byHand(): Promise<{ port: number; stop(): Promise<unknown> }>
}

const hono = () => new Hono().get('/', (c) => c.text('hono'))
const h3 = () => new H3().get('/', () => 'h3')
const fastify = () => Fastify().get('/', async () => 'fastify')
const koa = () =>
  new Koa().use((ctx) => {
    ctx.body = 'koa'
  })
const expressApp = () => express().get('/', (_req, res) => void res.send('express'))
const hapi = () => {
  const server = Hapi.server({ port: 0, host: HOST })
  server.route({ method: 'GET', path: '/', handler: () => 'hapi' })
  return server
}
const nest = () => NestFactory.create(BenchModuleNest, { logger: false })

async function nodeServer(server: Server) {
  const port = await listen(server)
  return { port, stop: () => close(server) }
}

const frameworks: readonly Framework[] = [
  { name: 'express 5', spec: expressApp, byHand: () => nodeServer(createServer(expressApp())) },
  {
    name: 'fastify 5',
    spec: fastify,
    async byHand() {
      const app = fastify()
      await app.listen({ port: 0, host: HOST })
      return { port: (app.server.address() as AddressInfo).port, stop: () => app.close() }
    },
  },
  { name: 'koa 3', spec: koa, byHand: () => nodeServer(createServer(koa().callback())) },
  {
    name: 'hono 4 (fetch)',
    spec: hono,
    byHand: () =>
      nodeServer(createAdaptorServer({ fetch: hono().fetch, overrideGlobalObjects: false }) as Server),
  },
  {
    name: 'h3 2 (fetch)',
    spec: h3,
    byHand: () =>
      nodeServer(createAdaptorServer({ fetch: h3().fetch, overrideGlobalObjects: false }) as Server),
  },
  {
    name: 'NestJS 12',
    spec: nest,
    async byHand() {
      const app = await nest()
      await app.listen(0, HOST)
      return { port: (app.getHttpServer().address() as AddressInfo).port, stop: () => app.close() }
    },
  },
  {
    name: 'hapi 21',
    spec: hapi,
    async byHand() {
      const server = hapi()
      await server.start()
      return { port: server.info.port as number, stop: () => server.stop() }
    },
  },
]

async function handCycle(framework: Framework): Promise<void> {
  const { port, stop } = await framework.byHand()
  const client = new Client(`http://${HOST}:${port}`)
  try {
    const { statusCode, body } = await client.request({ method: 'GET', path: '/' })
    await body.arrayBuffer()
    if (statusCode !== 200) throw new Error(`${framework.name} by hand: expected 200, got ${statusCode}`)
  } finally {
    await client.close()
    await stop()
  }
}

async function spinupCycle(framework: Framework): Promise<void> {
  const server = await startServer(framework.spec)
  const session = new Session({ baseUrl: server.origin })
  try {
    const res = await session.get('/')
    await res.text()
    if (res.status !== 200) throw new Error(`${framework.name} with spinup: expected 200, got ${res.status}`)
    if (session.sockets({ state: 'active' }).length > 0) throw new Error(`${framework.name}: a socket leaked`)
  } finally {
    await session.closeAllConnections()
    await server.stop()
    await session.close()
  }
}

async function run(context: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const framework of frameworks) {
    context.log(`frameworks: ${framework.name}`)
    const hand = () => handCycle(framework)
    const spun = () => spinupCycle(framework)
    await msPerCycle(hand, 100, 10_000)
    await msPerCycle(spun, 100, 10_000)
    const byHand: number[] = []
    const withSpinup: number[] = []
    for (let r = 0; r < context.rounds; r++) {
      // Interleaved, alternating which goes first, so load hits both sides of each ratio alike.
      if (r % 2 === 0) {
        byHand.push(await msPerCycle(hand, context.sliceMs, 10_000))
        withSpinup.push(await msPerCycle(spun, context.sliceMs, 10_000))
      } else {
        withSpinup.push(await msPerCycle(spun, context.sliceMs, 10_000))
        byHand.push(await msPerCycle(hand, context.sliceMs, 10_000))
      }
    }
    const ratios = withSpinup.map((v, i) => v / byHand[i]!)
    rows.push(
      {
        benchmark: 'frameworks',
        case: `${framework.name}: by hand`,
        mode: 'per test, 1 request',
        value: round(median(byHand), 3),
        unit: 'ms',
        rounds: byHand.map((v) => round(v, 3)),
      },
      {
        benchmark: 'frameworks',
        case: `${framework.name}: useServer(() => app)`,
        mode: 'per test, 1 request',
        value: round(median(withSpinup), 3),
        unit: 'ms',
        ratio: round(median(ratios)),
        baseline: `${framework.name}: by hand`,
        rounds: withSpinup.map((v) => round(v, 3)),
        note: `${round(median(withSpinup) - median(byHand), 2)} ms per test`,
        details: { ratioPerRound: ratios.map((v) => round(v)) },
      },
    )
  }
  return rows
}

export const frameworksBenchmark: BenchModule = {
  name: 'frameworks',
  description:
    'per framework, a useServer cycle with one request (fresh app) vs the same framework started and stopped by hand',
  run,
}
