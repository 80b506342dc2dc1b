/** Device registration, read and removal (`devices` scope). */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RequestError } from '../../errors/index.js';
import type { DeviceRecord } from '../../store/records.js';
import { DeviceBody, DeviceParams, DeviceRegistered, DeviceView, ErrorResponse } from '../schemas.js';
import type { HttpServices } from '../services.js';

function view(device: DeviceRecord) {
  return {
    deviceId: device.id,
    platform: device.platform,
    brand: device.brand,
    model: device.model,
    osVersion: device.osVersion,
    userId: device.userId,
    phone: device.phone,
    channels: Object.keys(device.tokens),
    sandbox: device.sandbox,
    createdAt: new Date(device.createdAt).toISOString(),
    updatedAt: new Date(device.updatedAt).toISOString(),
  };
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };

export const deviceRoutes: FastifyPluginAsyncTypebox<HttpServices> = async (app, { auth, stores }) => {
  app.put('/v1/apps/:app/devices/:deviceId', {
    schema: {
      summary: 'Register or update a device; answers its device key',
      tags: ['devices'],
      params: DeviceParams,
      body: DeviceBody,
      response: { 200: DeviceRegistered, 201: DeviceRegistered, ...errors },
    },
  }, async (request, reply) => {
    const { app: appId, deviceId } = request.params;
    auth.authorize(request, appId, 'devices');
    const existing = await stores.devices.get(appId, deviceId);
    const now = Date.now();
    const body = request.body;
    const device: DeviceRecord = {
      id: deviceId,
      platform: body.platform,
      brand: body.brand?.toLowerCase(),
      model: body.model?.toLowerCase(),
      osVersion: body.osVersion,
      userId: body.userId,
      phone: body.phone,
      tokens: Object.fromEntries(Object.entries(body.tokens ?? {}).filter(([, v]) => typeof v === 'string')) as DeviceRecord['tokens'],
      sandbox: body.sandbox,
      // Re-registration keeps the key the device already holds.
      key: existing?.key ?? randomBytes(32).toString('base64url'),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await stores.devices.put(appId, device);
    reply.code(existing ? 200 : 201);
    return { ...view(device), deviceKey: device.key };
  });

  app.get('/v1/apps/:app/devices/:deviceId', {
    schema: { summary: 'Read a device', tags: ['devices'], params: DeviceParams, response: { 200: DeviceView, ...errors } },
  }, async (request) => {
    const { app: appId, deviceId } = request.params;
    auth.authorize(request, appId, 'devices');
    const device = await stores.devices.get(appId, deviceId);
    if (!device) throw new RequestError('device_not_found', `No device "${deviceId}"`);
    return view(device);
  });

  app.delete('/v1/apps/:app/devices/:deviceId', {
    schema: { summary: 'Remove a device', tags: ['devices'], params: DeviceParams, response: { 204: { type: 'null' }, ...errors } },
  }, async (request, reply) => {
    const { app: appId, deviceId } = request.params;
    auth.authorize(request, appId, 'devices');
    if (!(await stores.devices.delete(appId, deviceId))) throw new RequestError('device_not_found', `No device "${deviceId}"`);
    reply.code(204);
    return null;
  });
};
